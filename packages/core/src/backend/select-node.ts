export { nodeBackend as backend } from './node.js'

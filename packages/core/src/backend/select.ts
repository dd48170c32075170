// The default build uses Web Crypto + noble. The `node` build swaps this file for select-node.ts
// (see tsup.config.ts), so the default entry never imports a `node:` module.
export { webBackend as backend } from './web.js'

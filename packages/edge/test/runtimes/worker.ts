// Cloudflare Workers module syntax, run by workerd.
import { handle } from './handler.js'

export default { fetch: handle }

/**
 * `@ledgerly/webhooks/http`: what every adapter (Express, Hono, edge) shares — option validation,
 * `application/problem+json` answers, the source-address allowlist, a size-limited body reader (and
 * the error it gives when the sender goes away mid-body) and a bounded drain for answering without the body.
 * No `node:` import, so it runs on edge runtimes too.
 *
 * @module
 */

export { concatInto } from '../bytes.js'
export {
  type AdapterErrorHook,
  type AdapterOptions,
  type AdapterSettings,
  validateAdapterOptions,
} from './adapter-options.js'
export { answerFor } from './answer.js'
export { clientIp } from './client-ip.js'
export { type DrainOptions, drainBody, SOURCE_REFUSAL_DRAIN } from './drain-body.js'
export { createIpAllowlist } from './ip-allowlist.js'
export {
  ForbiddenSourceError,
  inProgressProblem,
  isForbiddenSourceError,
  type ProblemCode,
  type ProblemResponse,
  problem,
  problemFor,
  problemType,
} from './problem.js'
export { payloadTooLarge, readBodyWithLimit } from './read-body.js'
export { type NodeBodyCallbacks, type NodeBodyStream, readNodeBody } from './read-node-body.js'
export { isRequestAbortedError, RequestAbortedError } from './request-aborted.js'
export { type RequestSource, sourceRefusal } from './source-refusal.js'
export { isSourceUnknown, UnknownSourceError } from './unknown-source.js'

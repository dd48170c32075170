/**
 * `@ledgerly/webhooks-express`: verify Ledgerly webhooks in Express 4 and 5.
 *
 * @module
 */
import type { VerifiedWebhook } from '@ledgerly/webhooks'

export type { AdapterErrorHook, ProblemResponse } from '@ledgerly/webhooks/http'
export { type ExpressWebhookOptions, ledgerlyWebhook } from './middleware.js'
export type { LedgerlyMiddleware, WebhookRequest } from './webhook-request.js'

declare global {
  // Declaration merging is how Express types request additions; a module augmentation of
  // 'express-serve-static-core' would force a dependency on @types/express.
  namespace Express {
    interface Request {
      /**
       * The verified Ledgerly webhook, set by `ledgerlyWebhook()` before it calls `next()`. Typed with
       * Ledgerly's events; behind `ledgerlyWebhook<MyEvents>()`, type the handler's `req` as
       * `WebhookRequest<MyEvents, Request>` to see yours.
       */
      ledgerly?: VerifiedWebhook
    }
  }
}

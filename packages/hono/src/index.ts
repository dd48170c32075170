/**
 * `@ledgerly/webhooks-hono`: verify Ledgerly webhooks in Hono, on Node, Bun, Deno and Workers.
 *
 * @module
 */
import type { VerifiedWebhook } from '@ledgerly/webhooks'

export { type HonoWebhookOptions, type LedgerlyVariables, ledgerlyWebhook } from './middleware.js'

declare module 'hono' {
  interface ContextVariableMap {
    /**
     * The webhook verified by `ledgerlyWebhook()`, for handlers whose route type does not say the middleware
     * ran (`app.use(ledgerlyWebhook(…))` then a separate `app.post(…)`): optional, because Hono cannot know
     * whether it did, and it is `undefined` on a route without it. With the middleware in the route's own
     * chain, or `new Hono<LedgerlyVariables>()`, `c.get('ledgerly')` is typed as present.
     */
    ledgerly?: VerifiedWebhook
  }
}

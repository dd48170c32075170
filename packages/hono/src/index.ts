/**
 * `@ledgerly/webhooks-hono`: verify Ledgerly webhooks in Hono, on Node, Bun, Deno and Workers.
 *
 * @module
 */
import type { VerifiedWebhook } from '@ledgerly/webhooks'

export { type HonoWebhookOptions, type LedgerlyVariables, ledgerlyWebhook } from './middleware.js'

declare module 'hono' {
  interface ContextVariableMap {
    /** The webhook verified by `ledgerlyWebhook()`. */
    ledgerly: VerifiedWebhook
  }
}

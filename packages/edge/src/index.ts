/**
 * `@ledgerly/webhooks-edge`: verify Ledgerly webhooks from a Fetch `Request` — Cloudflare Workers,
 * Vercel Edge, Next.js route handlers, `Deno.serve`, `Bun.serve`. No `node:` import.
 *
 * @module
 */
export type { EdgeWebhookOptions } from './settings.js'
export { verifyRequest } from './verify-request.js'
export { type WebhookHandler, withLedgerlyWebhook } from './with-webhook.js'

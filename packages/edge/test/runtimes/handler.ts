// The handlers every runtime test serves, bundled by esbuild with the secret injected at build time.
// `/webhooks` verifies; `/webhooks/allowlisted` refuses every source with 403 (`allowedIps`).
import { cryptoBackend, type VerifiedWebhook } from '@ledgerly/webhooks'
import { type EdgeWebhookOptions, withLedgerlyWebhook } from '../../src/index.js'

declare const __LEDGERLY_SECRET__: string

const options: EdgeWebhookOptions = { secret: __LEDGERLY_SECRET__, maxBodyBytes: 64 * 1024 }

function answer(webhook: VerifiedWebhook): Response {
  return Response.json({ id: webhook.id, event: webhook.event, backend: cryptoBackend })
}

type FetchHandler = (request: Request, ...runtimeArgs: unknown[]) => Promise<Response>

const verified: FetchHandler = withLedgerlyWebhook(answer, options)
const allowlisted: FetchHandler = withLedgerlyWebhook(answer, {
  ...options,
  allowedIps: ['10.0.0.0/8'],
  getClientIp: () => '127.0.0.1',
})

export function handle(request: Request, ...runtimeArgs: unknown[]): Promise<Response> {
  const route = new URL(request.url).pathname.endsWith('/allowlisted') ? allowlisted : verified
  return route(request, ...runtimeArgs)
}

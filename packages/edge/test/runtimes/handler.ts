// The handler every runtime test serves, bundled by esbuild with the secret injected at build time.
import { cryptoBackend } from '@ledgerly/webhooks'
import { withLedgerlyWebhook } from '../../src/index.js'

declare const __LEDGERLY_SECRET__: string

export const handle = withLedgerlyWebhook(
  (webhook) => Response.json({ id: webhook.id, event: webhook.event, backend: cryptoBackend }),
  { secret: __LEDGERLY_SECRET__, maxBodyBytes: 64 * 1024 },
)

// The whole receiver: one route, verified by the middleware, idempotent per event.
import { memoryStore } from '@ledgerly/webhooks/idempotency'
import { ledgerlyWebhook } from '@ledgerly/webhooks-express'
import express from 'express'

/**
 * Builds the receiver app.
 * @param {{ secret: string | string[], onEntry?: (entry: unknown) => void }} options
 */
export function createApp({ secret, onEntry = (entry) => console.log('ledger entry', entry) }) {
  const app = express()

  // The webhook route comes BEFORE any global body parser: the middleware reads the raw body itself.
  // Ledgerly delivers at least once: with `idempotency` the handler runs once per event (keyed on the
  // signed body's event + data.id) and a repeat is answered 200 {"outcome":"duplicate"}. memoryStore()
  // serves one process; use redisStore() from @ledgerly/webhooks-redis when several share the work.
  const idempotency = { store: memoryStore() }
  app.post('/webhooks/ledgerly', ledgerlyWebhook({ secret, idempotency }), (req, res) => {
    const webhook = req.ledgerly
    if (webhook.event === 'entry_persisted') onEntry(webhook.data)
    res.sendStatus(204)
  })

  // The rest of the app can parse JSON as usual.
  app.use(express.json())
  app.get('/health', (_req, res) => {
    res.json({ ok: true })
  })
  return app
}

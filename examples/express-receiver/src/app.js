// The whole receiver: one route, verified by the middleware, idempotent per event.
import { ledgerlyWebhook } from '@ledgerly/webhooks-express'
import express from 'express'

/**
 * Builds the receiver app.
 * @param {{ secret: string | string[], onEntry?: (entry: unknown) => void }} options
 */
export function createApp({ secret, onEntry = (entry) => console.log('ledger entry', entry) }) {
  const app = express()

  // The webhook route comes BEFORE any global body parser: the middleware reads the raw body itself.
  app.post('/webhooks/ledgerly', ledgerlyWebhook({ secret }), (req, res) => {
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

// A Hono app that receives Ledgerly webhooks: the middleware verifies the raw body, the route only ever
// sees verified events, and each event is handled once even when Ledgerly delivers it again.

import { memoryStore } from '@ledgerly/webhooks/idempotency'
import { ledgerlyWebhook } from '@ledgerly/webhooks-hono'
import { Hono } from 'hono'

/**
 * @param {{ secret: string | string[], onEntry?: (entry: import('@ledgerly/webhooks').LedgerEntryExport) => void }} options
 */
export function createApp({
  secret,
  onEntry = (entry) => console.log('ledger entry', entry.id, entry.action),
}) {
  const app = new Hono()

  app.post(
    '/webhooks/ledgerly',
    ledgerlyWebhook({
      secret,
      idempotency: { store: memoryStore() },
      onError: (error) => console.warn('rejected webhook:', error instanceof Error ? error.message : error),
    }),
    (c) => {
      const webhook = c.get('ledgerly')
      if (webhook.event === 'entry_persisted') onEntry(webhook.data)
      return c.body(null, 204)
    },
  )

  return app
}

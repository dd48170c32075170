import { BODY, DIGEST, NOW_MS, requestFor, SECRET, T } from '@ledgerly/test-support/wire-cases'
import type { VerifiedWebhook } from '@ledgerly/webhooks'
import { Hono } from 'hono'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { ledgerlyWebhook } from '../src/index.js'

interface MyEvents {
  invoice_paid: { id: string; amount: number }
}

describe("c.get('ledgerly') typing", () => {
  it('app.use(ledgerlyWebhook()) then a separate route → typed through ContextVariableMap', async () => {
    const app = new Hono()
    app.use('/webhooks', ledgerlyWebhook({ secret: SECRET, now: () => NOW_MS }))
    app.post('/webhooks', (c) => {
      const webhook = c.get('ledgerly')
      expectTypeOf(webhook).toEqualTypeOf<VerifiedWebhook>()
      return c.text(webhook.event === 'entry_persisted' ? webhook.data.action : 'other')
    })
    const headers: Array<[string, string]> = [['x-ledgerly-signature', `t=${T},v1=${DIGEST}`]]
    const response = await app.request(requestFor('http://localhost/webhooks', { headers, body: BODY }))
    expect(await response.text()).toBe('invoice.updated')
  })

  it('ledgerlyWebhook<MyEvents>() on the route → data typed by the custom event map', () => {
    const app = new Hono()
    app.post('/invoices', ledgerlyWebhook<MyEvents>({ secret: SECRET }), (c) => {
      const webhook = c.get('ledgerly')
      if (webhook.event === 'invoice_paid') expectTypeOf(webhook.data.amount).toEqualTypeOf<number>()
      return c.body(null, 204)
    })
    expect(app.routes.length).toBeGreaterThan(0)
  })
})

import { BODY, DIGEST, NOW_MS, requestFor, SECRET, T } from '@ledgerly/test-support/wire-cases'
import type { VerifiedWebhook } from '@ledgerly/webhooks'
import { type Context, Hono } from 'hono'
import type { BlankEnv } from 'hono/types'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { type LedgerlyVariables, ledgerlyWebhook } from '../src/index.js'

interface MyEvents {
  invoice_paid: { id: string; amount: number }
}

const signed = (path: string) =>
  requestFor(`http://localhost${path}`, {
    headers: [['x-ledgerly-signature', `t=${T},v1=${DIGEST}`]],
    body: BODY,
  })

describe("c.get('ledgerly') typing", () => {
  it('middleware on the route (the README examples) → VerifiedWebhook, present', async () => {
    const app = new Hono()
    app.post('/webhooks', ledgerlyWebhook({ secret: SECRET, now: () => NOW_MS }), (c) => {
      const webhook = c.get('ledgerly')
      expectTypeOf(webhook).toEqualTypeOf<VerifiedWebhook>()
      expectTypeOf(c.var.ledgerly).toMatchTypeOf<VerifiedWebhook>()
      return c.text(webhook.event === 'entry_persisted' ? webhook.data.action : 'other')
    })
    expect(await (await app.request(signed('/webhooks'))).text()).toBe('invoice.updated')
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

  it('new Hono<LedgerlyVariables>() with app.use(ledgerlyWebhook()) → VerifiedWebhook on a separate route', async () => {
    const app = new Hono<LedgerlyVariables>()
    app.use('/webhooks', ledgerlyWebhook({ secret: SECRET, now: () => NOW_MS }))
    app.post('/webhooks', (c) => {
      const webhook = c.get('ledgerly')
      expectTypeOf(webhook).toEqualTypeOf<VerifiedWebhook>()
      return c.text(webhook.id)
    })
    expect(await (await app.request(signed('/webhooks'))).text()).toBe('entry_1')
  })

  // Hono cannot tell whether a route registered apart from the middleware has it: the global entry is
  // optional, so a route that forgot the middleware does not compile `c.get('ledgerly').id`.
  it.each([
    ['app.use(ledgerlyWebhook()) then a separate route', '/webhooks', 'entry_1'],
    ['a route without the middleware', '/other', 'none'],
  ])('%s → VerifiedWebhook | undefined', async (_name, path, answer) => {
    const app = new Hono()
    app.use('/webhooks', ledgerlyWebhook({ secret: SECRET, now: () => NOW_MS }))
    const handler = (c: Context<BlankEnv>) => {
      const webhook = c.get('ledgerly')
      expectTypeOf(webhook).toEqualTypeOf<VerifiedWebhook | undefined>()
      return c.text(webhook?.id ?? 'none')
    }
    app.post('/webhooks', handler)
    app.post('/other', handler)
    expect(await (await app.request(signed(path))).text()).toBe(answer)
  })
})

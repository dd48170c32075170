// Compile-time contracts, checked by `tsc` (pnpm typecheck) and asserted at run time where possible.
import type { LedgerlyEvents, VerifiedWebhook } from '@ledgerly/webhooks'
import type { Request, RequestHandler, Response } from 'express'
import express from 'express'
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest'
import { type LedgerlyMiddleware, ledgerlyWebhook, type WebhookRequest } from '../src/index.js'
import { post } from './helpers/client.js'
import { listen, type RunningServer } from './helpers/servers.js'
import { clock, SECRET, signedHeaders } from './helpers/signing.js'

/** An app's own events on top of Ledgerly's, as the core's `EventMap` docs declare them. */
interface MyEvents extends LedgerlyEvents {
  invoice_paid: { id: string; amount: number }
}

/** Another sender's events, sharing nothing with Ledgerly's (a Standard Webhooks sender, say). */
interface BillingEvents {
  'invoice.voided': { id: string; reason: string }
}

const servers: RunningServer[] = []
afterAll(async () => {
  for (const server of servers) await server.close()
})

describe('default event map (Ledgerly’s)', () => {
  it('req.ledgerly on Express.Request → VerifiedWebhook | undefined (declaration merging)', () => {
    expectTypeOf<Request['ledgerly']>().toEqualTypeOf<VerifiedWebhook | undefined>()
  })

  it('WebhookRequest without a map → req.ledgerly is VerifiedWebhook | undefined', () => {
    expectTypeOf<WebhookRequest['ledgerly']>().toEqualTypeOf<VerifiedWebhook | undefined>()
  })

  it('the middleware → assignable to an Express RequestHandler', () => {
    const middleware = ledgerlyWebhook({ secret: SECRET })
    expectTypeOf(middleware).toEqualTypeOf<LedgerlyMiddleware>()
    const asHandler: RequestHandler = middleware
    const app = express()
    app.post('/webhooks', asHandler, (req, res) => {
      // Narrowing on `event` types `data`.
      if (req.ledgerly?.event === 'entry_persisted')
        expectTypeOf(req.ledgerly.data.action).toEqualTypeOf<string>()
      res.sendStatus(204)
    })
    expect(typeof asHandler).toBe('function')
    expect(middleware.name).toBe('ledgerlyWebhookMiddleware')
  })
})

describe('custom event map', () => {
  // The type argument is accepted (a TS2558 before) but does not reach the handler: Express types every
  // handler's `req` as its own Request, so the handler names the map through WebhookRequest<MyEvents, Request>.
  // `LedgerlyMiddleware<Events>` is the same type for every map; nothing here can tell them apart.
  it('ledgerlyWebhook<MyEvents>() → compiles, and is an Express RequestHandler', () => {
    const middleware: LedgerlyMiddleware<MyEvents> = ledgerlyWebhook<MyEvents>({ secret: SECRET })
    const asHandler: RequestHandler = middleware
    expect(typeof asHandler).toBe('function')
  })

  it('ledgerlyWebhook<BillingEvents>() (no Ledgerly events) → still an Express RequestHandler', () => {
    const asHandler: RequestHandler = ledgerlyWebhook<BillingEvents>({ secret: SECRET })
    expect(typeof asHandler).toBe('function')
  })

  it('WebhookRequest<MyEvents> → req.ledgerly is VerifiedWebhook<MyEvents> | undefined', () => {
    expectTypeOf<WebhookRequest<MyEvents>['ledgerly']>().toEqualTypeOf<
      VerifiedWebhook<MyEvents> | undefined
    >()
    expectTypeOf<VerifiedWebhook<MyEvents>['event']>().toEqualTypeOf<'entry_persisted' | 'invoice_paid'>()
  })

  it('WebhookRequest<MyEvents, Request> → Express’s Request API kept, req.ledgerly retyped', () => {
    expectTypeOf<WebhookRequest<MyEvents, Request>['params']>().toEqualTypeOf<Request['params']>()
    expectTypeOf<WebhookRequest<MyEvents, Request>['ledgerly']>().toEqualTypeOf<
      VerifiedWebhook<MyEvents> | undefined
    >()
  })

  it('handler annotated WebhookRequest<MyEvents> → narrows to invoice_paid; a signed invoice_paid → 200', async () => {
    const app = express()
    app.post(
      '/invoices',
      ledgerlyWebhook<MyEvents>({ secret: SECRET, now: clock }),
      (req: WebhookRequest<MyEvents, Request>, res: Response) => {
        const webhook = req.ledgerly!
        if (webhook.event === 'invoice_paid') {
          expectTypeOf(webhook.data.amount).toEqualTypeOf<number>()
          res.json({ amount: webhook.data.amount, path: req.path })
        } else res.sendStatus(204)
      },
    )
    const server = await listen(app)
    servers.push(server)
    const body = JSON.stringify({ event: 'invoice_paid', data: { id: 'inv-1', amount: 4200 } })
    const answer = await post(server.port, { path: '/invoices', headers: signedHeaders(body), body })
    expect(answer.status).toBe(200)
    expect(answer.json).toEqual({ amount: 4200, path: '/invoices' })
  })
})

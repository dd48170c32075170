// Compile-time contracts, checked by `tsc` (pnpm typecheck) and asserted at run time where possible.
import type { VerifiedWebhook } from '@ledgerly/webhooks'
import type { Request, RequestHandler } from 'express'
import express from 'express'
import { expect, expectTypeOf, it } from 'vitest'
import { type LedgerlyMiddleware, ledgerlyWebhook } from '../src/index.js'
import { SECRET } from './helpers/signing.js'

it('req.ledgerly on Express.Request → VerifiedWebhook | undefined (declaration merging)', () => {
  expectTypeOf<Request['ledgerly']>().toEqualTypeOf<VerifiedWebhook | undefined>()
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

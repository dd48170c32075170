// After verification the middleware calls next() from the body's own `end` event (or at once, when
// express.raw() left a Buffer). What the app's handler does from there belongs to Express: a throw or a
// next(error) reaches the app's error handler — never a webhook problem answer, never onError, never an
// unhandled rejection (the setup file fails the run on one).
import { afterEach, describe, expect, it } from 'vitest'
import { ledgerlyWebhook } from '../src/index.js'
import { post } from './helpers/client.js'
import { EXPRESS_VERSIONS, type ExpressModule, listen, type RunningServer } from './helpers/servers.js'
import { clock, entryBody, SECRET, signedHeaders } from './helpers/signing.js'

const BODY = entryBody('handler-errors')

type Handler = (req: { ledgerly?: { id: string } }, res: unknown, next: (error?: unknown) => void) => void

const FAILING_HANDLERS: [string, Handler][] = [
  [
    'handler throws',
    (req) => {
      throw new Error(`handler failed on ${req.ledgerly?.id}`)
    },
  ],
  [
    'handler calls next(error)',
    (req, _res, next) => next(new Error(`handler failed on ${req.ledgerly?.id}`)),
  ],
]

describe.each(EXPRESS_VERSIONS)('$name', ({ express: expressModule }) => {
  const express = expressModule as ExpressModule
  let server: RunningServer | undefined
  afterEach(async () => {
    await server?.close()
  })

  describe.each([
    ['body read by the middleware', [] as unknown[]],
    ['body left by express.raw()', [express.raw({ type: '*/*' })]],
  ])('%s', (_source, before) => {
    it.each(FAILING_HANDLERS)(
      '%s → the app error handler answers, onError not called',
      async (_name, handler) => {
        const rejections: unknown[] = []
        const app = express()
        const verify = ledgerlyWebhook({
          secret: SECRET,
          now: clock,
          onError: (e) => void rejections.push(e),
        })
        app.post('/webhooks', ...(before as []), verify, handler as never)
        app.use(
          (
            error: Error,
            _req: unknown,
            res: { status(n: number): { json(v: unknown): void } },
            _next: unknown,
          ) => {
            res.status(502).json({ caught: error.message })
          },
        )
        server = await listen(app)
        const answer = await post(server.port, { headers: signedHeaders(BODY), body: BODY })
        expect(answer.status).toBe(502)
        expect(answer.json).toEqual({ caught: 'handler failed on handler-errors' })
        expect(rejections).toEqual([])
        // The server is still up: a second delivery is verified and reaches the handler again.
        const again = await post(server.port, { headers: signedHeaders(BODY), body: BODY })
        expect(again.status).toBe(502)
      },
    )
  })
})

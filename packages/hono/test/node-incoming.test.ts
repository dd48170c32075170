// On @hono/node-server the middleware reads Node's request stream itself instead of the Fetch Request
// node-server would build. The app must not notice: every way a handler reads the body afterwards still
// gets the exact bytes, and the verified webhook is the same.
import { serve } from '@hono/node-server'
import { BODY, DIGEST, NOW_MS, SECRET, T } from '@ledgerly/test-support/wire-cases'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ledgerlyWebhook } from '../src/index.js'
import { post } from './support/http-client.js'

const SIGNED: Array<[string, string]> = [
  ['content-type', 'application/json'],
  ['x-ledgerly-signature', `t=${T},v1=${DIGEST}`],
]

type Reader = 'raw.text' | 'raw.arrayBuffer' | 'req.json' | 'req.text' | 'rawBody'

let url: string
let close: () => Promise<void>

beforeAll(async () => {
  const app = new Hono<{ Bindings: { incoming: { rawBody?: unknown } } }>()
  app.post('/webhooks/:reader', ledgerlyWebhook({ secret: SECRET, now: () => NOW_MS }), async (c) => {
    const reader = c.req.param('reader') as Reader
    const body =
      reader === 'raw.text'
        ? await c.req.raw.text()
        : reader === 'raw.arrayBuffer'
          ? new TextDecoder().decode(await c.req.raw.arrayBuffer())
          : reader === 'req.json'
            ? JSON.stringify(await c.req.json())
            : reader === 'req.text'
              ? await c.req.text()
              : String(Buffer.isBuffer(c.env.incoming.rawBody) && c.env.incoming.rawBody.toString())
    return c.json({ id: c.get('ledgerly').id, body })
  })
  await new Promise<void>((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
      url = `http://127.0.0.1:${info.port}/webhooks`
      resolve()
    })
    close = () => new Promise<void>((done) => server.close(() => done()))
  })
})
afterAll(() => close())

describe('body read from Node’s stream on @hono/node-server', () => {
  it.each<Reader>(['raw.text', 'raw.arrayBuffer', 'req.json', 'req.text', 'rawBody'])(
    'handler reads the body with %s after the middleware → the exact signed bytes',
    async (reader) => {
      const response = await post(`${url}/${reader}`, SIGNED, { body: BODY })
      expect(response.status).toBe(200)
      expect(JSON.parse(response.body)).toEqual({ id: 'entry_1', body: BODY })
    },
  )
})

// With `idempotency`, only a 2xx answer marks an event done, as with the Express adapter. Any other answer
// is sent as it is and releases the claim: Ledgerly does not retry a 4xx, but a later delivery of the event
// (an operator's re-send after fixing the receiver, a duplicate) must run the route, not get "duplicate".
// Served by a real @hono/node-server, each delivery a fresh signed POST on its own connection.
import { serve } from '@hono/node-server'
import { BODY, hmacHex, NOW_MS, SECRET, T } from '@ledgerly/test-support/wire-cases'
import { memoryStore } from '@ledgerly/webhooks/idempotency'
import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ledgerlyWebhook } from '../src/index.js'
import { post } from './support/http-client.js'

type Route = (c: Context) => Response | Promise<Response>

/** What a client sees of one answer. */
interface Seen {
  status: number
  location: string | string[] | undefined
  body: string
}

function idempotentWebhook(): MiddlewareHandler {
  return ledgerlyWebhook({
    secret: SECRET,
    now: () => NOW_MS,
    idempotency: { store: memoryStore(), leaseMs: 30_000 },
  })
}

/** Serves `app` on @hono/node-server and POSTs the same signed delivery to /webhooks twice. */
async function deliverTwice(app: Hono): Promise<Seen[]> {
  const server = await new Promise<{ url: string; close(): Promise<void> }>((resolve) => {
    const running = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}/webhooks`,
        close: () => new Promise<void>((done) => running.close(() => done())),
      })
    })
  })
  try {
    const headers: Array<[string, string]> = [
      ['content-type', 'application/json'],
      ['x-ledgerly-signature', `t=${T},v1=${hmacHex(BODY, T)}`],
    ]
    const seen: Seen[] = []
    for (let i = 0; i < 2; i++) {
      const response = await post(server.url, headers, { body: BODY })
      seen.push({ status: response.status, location: response.headers.location, body: response.body })
    }
    return seen
  } finally {
    await server.close()
  }
}

/** A route behind the idempotent middleware, counting its runs. */
async function routeTwice(route: Route): Promise<{ seen: Seen[]; runs: number }> {
  let runs = 0
  const app = new Hono()
  app.post('/webhooks', idempotentWebhook(), (c) => {
    runs++
    return route(c)
  })
  return { seen: await deliverTwice(app), runs }
}

afterEach(() => {
  vi.restoreAllMocks()
})

const NOT_HANDLED: Array<[string, Route, { status: number; body: string; location?: string }]> = [
  [
    '422',
    (c) => c.json({ error: 'unknown account' }, 422),
    { status: 422, body: '{"error":"unknown account"}' },
  ],
  ['409', (c) => c.text('conflict', 409), { status: 409, body: 'conflict' }],
  ['302', (c) => c.redirect('/elsewhere', 302), { status: 302, body: '', location: '/elsewhere' }],
  ['404', (c) => c.text('no such entry', 404), { status: 404, body: 'no such entry' }],
  ['500 (control)', (c) => c.text('database down', 500), { status: 500, body: 'database down' }],
]

describe('ledgerlyWebhook({ idempotency }) on a real @hono/node-server', () => {
  it.each(NOT_HANDLED)(
    'route answers %s → claim released: the second delivery runs it again and gets the same answer',
    async (_status, route, answer) => {
      const { seen, runs } = await routeTwice(route)
      const expected: Seen = { location: undefined, ...answer }
      expect(seen).toEqual([expected, expected])
      expect(runs).toBe(2)
    },
  )

  it.each<[string, Route, number]>([
    ['200', (c) => c.json({ ok: true }), 200],
    ['204', (c) => c.body(null, 204), 204],
  ])(
    'route answers %s → marked done: the second delivery is 200 duplicate, route ran once',
    async (_status, route, status) => {
      const { seen, runs } = await routeTwice(route)
      expect(seen.map((response) => response.status)).toEqual([status, 200])
      expect(JSON.parse(seen[1]!.body)).toEqual({ outcome: 'duplicate' })
      expect(runs).toBe(1)
    },
  )

  it('route returns nothing → Hono answers 500, not marked done: the second delivery runs it again', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {}) // Hono logs "Context is not finalized"
    const { seen, runs } = await routeTwice(() => undefined as unknown as Response)
    expect(seen.map((response) => response.status)).toEqual([500, 500])
    expect(runs).toBe(2)
  })

  it.each<[string, (app: Hono) => void]>([
    ['app.use(path, middleware), no route', (app) => app.use('/webhooks', idempotentWebhook())],
    ['app.post(path, middleware) alone', (app) => app.post('/webhooks', idempotentWebhook())],
  ])('middleware mounted with %s → the default 404 both times, never marked done', async (_mount, mount) => {
    const app = new Hono()
    mount(app)
    const seen = await deliverTwice(app)
    expect(seen.map((response) => [response.status, response.body])).toEqual([
      [404, '404 Not Found'],
      [404, '404 Not Found'],
    ])
  })
})

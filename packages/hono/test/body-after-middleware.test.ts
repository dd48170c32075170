// Whatever ran before the middleware, and whichever way the handler reads the body after it, the handler gets
// the exact signed bytes: on a real @hono/node-server (where touching c.req.raw makes node-server build its
// Fetch Request once, with a body stream of its own) and through app.request() (the Fetch path that Bun,
// Deno and Workers take).
import type { AddressInfo } from 'node:net'
import { type ServerType, serve } from '@hono/node-server'
import { BODY, DIGEST, NOW_MS, SECRET, T } from '@ledgerly/test-support/wire-cases'
import { Hono, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ledgerlyWebhook } from '../src/index.js'
import { post } from './support/http-client.js'

const SIGNED: Array<[string, string]> = [
  ['content-type', 'application/json'],
  ['x-ledgerly-signature', `t=${T},v1=${DIGEST}`],
]

const BEFORE = {
  nothing: [],
  'bodyLimit()': [bodyLimit({ maxSize: 1024 * 1024 })],
  'a middleware reading c.req.raw.signal': [
    async function readsSignal(c, next) {
      void c.req.raw.signal
      await next()
    },
  ],
  'a middleware reading c.req.header(), c.req.url and c.req.method': [
    async function readsHeadersAndUrl(c, next) {
      void [c.req.header('content-type'), c.req.url, c.req.method]
      await next()
    },
  ],
  'c.req.arrayBuffer()': [
    async function readsArrayBuffer(c, next) {
      await c.req.arrayBuffer()
      await next()
    },
  ],
} satisfies Record<string, MiddlewareHandler[]>
type Before = keyof typeof BEFORE

const READERS = {
  'c.req.raw.text()': (c) => c.req.raw.text(),
  'c.req.raw.arrayBuffer()': async (c) => new TextDecoder().decode(await c.req.raw.arrayBuffer()),
  'c.req.text()': (c) => c.req.text(),
  'c.req.json()': async (c) => JSON.stringify(await c.req.json()),
} satisfies Record<string, (c: Parameters<MiddlewareHandler>[0]) => Promise<string>>
type Reader = keyof typeof READERS

const TRANSFERS = {
  'Content-Length': { body: BODY },
  chunked: { chunks: [BODY.slice(0, 30), BODY.slice(30)].map((part) => new TextEncoder().encode(part)) },
} as const
type Transfer = keyof typeof TRANSFERS

/** Every (before, transfer, reader) combination, named for it.each. */
const rows = (Object.keys(BEFORE) as Before[]).flatMap((before) =>
  (Object.keys(TRANSFERS) as Transfer[]).flatMap((transfer) =>
    (Object.keys(READERS) as Reader[]).map((reader) => ({ before, transfer, reader })),
  ),
)

/** One route per (before, reader): `/<before index>/<reader index>`. The answer says what the handler read. */
function appUnderTest(): Hono {
  const app = new Hono()
  const befores = Object.values(BEFORE)
  const readers = Object.values(READERS)
  befores.forEach((middlewares, b) => {
    readers.forEach((read, r) => {
      for (const middleware of middlewares) app.use(`/${b}/${r}`, middleware)
      app.post(`/${b}/${r}`, ledgerlyWebhook({ secret: SECRET, now: () => NOW_MS }), async (c) => {
        const incoming = (c.env as { incoming?: { rawBody?: unknown } } | undefined)?.incoming
        return c.json({
          id: c.get('ledgerly').id,
          body: await read(c),
          direct: Buffer.isBuffer(incoming?.rawBody),
        })
      })
    })
  })
  return app
}

function pathOf({ before, reader }: { before: Before; reader: Reader }): string {
  return `/${Object.keys(BEFORE).indexOf(before)}/${Object.keys(READERS).indexOf(reader)}`
}

describe('the body a handler reads after the middleware, on a real @hono/node-server', () => {
  let server: ServerType
  let origin: string
  beforeAll(async () => {
    server = serve({ fetch: appUnderTest().fetch, hostname: '127.0.0.1', port: 0 })
    await new Promise((resolve) => server.once('listening', resolve))
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((done) => server.close(() => done())))

  it.each(rows)('$before before, $transfer body, handler calls $reader → the exact body', async (row) => {
    const response = await post(origin + pathOf(row), SIGNED, TRANSFERS[row.transfer])
    expect(response.status).toBe(200)
    expect(JSON.parse(response.body)).toMatchObject({ id: 'entry_1', body: BODY })
  })

  // The fast path (Node's stream read directly, node-server's Request never built) is kept when nothing
  // made node-server build its Request (headers, URL and method do not); once something did, that Request
  // is the one read.
  it.each<[Before, boolean]>([
    ['nothing', true],
    ['a middleware reading c.req.header(), c.req.url and c.req.method', true],
    ['bodyLimit()', false],
    ['a middleware reading c.req.raw.signal', false],
  ])('%s before → Node’s stream read directly: %s', async (before, direct) => {
    const response = await post(origin + pathOf({ before, reader: 'c.req.json()' }), SIGNED, { body: BODY })
    expect(JSON.parse(response.body)).toMatchObject({ body: BODY, direct })
  })
})

describe('the body a handler reads after the middleware, through app.request() (Bun, Deno, Workers)', () => {
  const app = appUnderTest()

  it.each(rows)('$before before, $transfer body, handler calls $reader → the exact body', async (row) => {
    const bytes = new TextEncoder().encode(BODY)
    const body =
      row.transfer === 'chunked'
        ? new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(bytes.subarray(0, 30))
              controller.enqueue(bytes.subarray(30))
              controller.close()
            },
          })
        : BODY
    const request = new Request(`http://localhost${pathOf(row)}`, {
      method: 'POST',
      headers: SIGNED,
      body,
      duplex: 'half',
    } as RequestInit)
    const response = await app.request(request)
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ id: 'entry_1', body: BODY })
  })
})

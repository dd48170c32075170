// Whatever ran before the middleware, the handler gets the exact signed bytes after it. On a real
// @hono/node-server (where touching c.req.raw makes node-server build its Fetch Request once, with a body
// stream of its own) every way of reading works, c.req.raw.text() included. Through app.request() (the Fetch
// path that Bun, Deno and Workers take) Hono's body cache gives them (c.req.json(), text(), arrayBuffer(),
// blob()), and c.req.raw stays the very Request the runtime gave: Bun's server.requestIP(c.req.raw), which
// getConnInfo() from 'hono/bun' calls, knows no other (see bun-conn-info.test.ts).
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

type Read = (c: Parameters<MiddlewareHandler>[0]) => Promise<string>

/** Hono's body cache: the exact bytes on every runtime. */
const CACHE_READERS = {
  'c.req.text()': (c) => c.req.text(),
  'c.req.json()': async (c) => JSON.stringify(await c.req.json()),
  'c.req.arrayBuffer()': async (c) => new TextDecoder().decode(await c.req.arrayBuffer()),
  'c.req.blob()': async (c) => (await c.req.blob()).text(),
} satisfies Record<string, Read>
type CacheReader = keyof typeof CACHE_READERS

/** The request itself: carries the bytes again on @hono/node-server only. */
const READERS = {
  'c.req.raw.text()': (c) => c.req.raw.text(),
  'c.req.raw.arrayBuffer()': async (c) => new TextDecoder().decode(await c.req.raw.arrayBuffer()),
  ...CACHE_READERS,
} satisfies Record<string, Read>
type Reader = keyof typeof READERS

const TRANSFERS = {
  'Content-Length': { body: BODY },
  chunked: { chunks: [BODY.slice(0, 30), BODY.slice(30)].map((part) => new TextEncoder().encode(part)) },
} as const
type Transfer = keyof typeof TRANSFERS

/** Every (before, transfer, reader) combination, named for it.each. */
function rowsOf<R extends Reader>(readers: readonly R[]) {
  return (Object.keys(BEFORE) as Before[]).flatMap((before) =>
    (Object.keys(TRANSFERS) as Transfer[]).flatMap((transfer) =>
      readers.map((reader) => ({ before, transfer, reader })),
    ),
  )
}

/** What `app.request()` passes as `c.env` here: the Request the app received, to compare `c.req.raw` with. */
interface FetchTestEnv {
  received?: Request
}

/** `c.req.raw` as the middleware found it, by request: whatever ran before may have replaced it. */
const rawAtMiddleware = new WeakMap<object, Request>()
const recordRaw: MiddlewareHandler = async function recordRaw(c, next) {
  rawAtMiddleware.set(c.req, c.req.raw)
  await next()
}

/**
 * One route per (before, reader): `/<before index>/<reader index>`. The answer says what the handler read,
 * whether node-server's Node stream was read directly, and whether `c.req.raw` in the handler is the object
 * the middleware found and the one the app received.
 */
function appUnderTest(): Hono {
  const app = new Hono()
  const befores = Object.values(BEFORE)
  const readers = Object.values(READERS)
  befores.forEach((middlewares, b) => {
    readers.forEach((read, r) => {
      for (const middleware of middlewares) app.use(`/${b}/${r}`, middleware)
      app.post(`/${b}/${r}`, recordRaw, ledgerlyWebhook({ secret: SECRET, now: () => NOW_MS }), async (c) => {
        const incoming = (c.env as { incoming?: { rawBody?: unknown } } | undefined)?.incoming
        const raw = c.req.raw
        return c.json({
          id: c.get('ledgerly').id,
          body: await read(c),
          direct: Buffer.isBuffer(incoming?.rawBody),
          rawIsTheOneTheMiddlewareFound: raw === rawAtMiddleware.get(c.req),
          rawIsTheOneReceived: raw === (c.env as FetchTestEnv | undefined)?.received,
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

  it.each(rowsOf(Object.keys(READERS) as Reader[]))(
    '$before before, $transfer body, handler calls $reader → the exact body',
    async (row) => {
      const response = await post(origin + pathOf(row), SIGNED, TRANSFERS[row.transfer])
      expect(response.status).toBe(200)
      expect(JSON.parse(response.body)).toMatchObject({ id: 'entry_1', body: BODY })
    },
  )

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

  /** The request a runtime would give: a Content-Length body says so in its headers, a chunked one is a stream. */
  function received(row: { before: Before; transfer: Transfer; reader: Reader }): Request {
    const bytes = new TextEncoder().encode(BODY)
    const chunked = row.transfer === 'chunked'
    const body = chunked
      ? new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(bytes.subarray(0, 30))
            controller.enqueue(bytes.subarray(30))
            controller.close()
          },
        })
      : bytes
    const headers: Array<[string, string]> = chunked
      ? SIGNED
      : [...SIGNED, ['content-length', String(bytes.byteLength)]]
    return new Request(`http://localhost${pathOf(row)}`, {
      method: 'POST',
      headers,
      body,
      duplex: 'half',
    } as RequestInit)
  }

  it.each(rowsOf(Object.keys(CACHE_READERS) as CacheReader[]))(
    '$before before, $transfer body, handler calls $reader → the exact body, c.req.raw still the runtime’s',
    async (row) => {
      const request = received(row)
      const response = await app.request(request, undefined, { received: request } satisfies FetchTestEnv)
      expect(response.status).toBe(200)
      expect(await response.json()).toEqual({
        id: 'entry_1',
        body: BODY,
        direct: false,
        // The middleware never replaces c.req.raw off node-server…
        rawIsTheOneTheMiddlewareFound: true,
        // …so the handler's c.req.raw is the runtime's own Request, except where Hono's bodyLimit() replaced
        // it before us: without Content-Length it reads the stream and builds a new Request itself.
        rawIsTheOneReceived: !(row.before === 'bodyLimit()' && row.transfer === 'chunked'),
      })
    },
  )
})

import { type AddressInfo, connect } from 'node:net'
import { type ServerType, serve } from '@hono/node-server'
import { BODY, DIGEST, NOW_MS, SECRET, T, wireCases } from '@ledgerly/test-support/wire-cases'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type HonoWebhookOptions, ledgerlyWebhook } from '../src/index.js'
import { post, repeatedChunks } from './support/http-client.js'

const SIGNED: Array<[string, string]> = [
  ['content-type', 'application/json'],
  ['x-ledgerly-signature', `t=${T},v1=${DIGEST}`],
]

interface Running {
  url: string
  calls: string[]
  close(): Promise<void>
}

function start(options: Partial<HonoWebhookOptions> = {}): Promise<Running> {
  const calls: string[] = []
  const app = new Hono()
  app.post('/webhooks', ledgerlyWebhook({ secret: SECRET, now: () => NOW_MS, ...options }), (c) => {
    calls.push(c.get('ledgerly').id)
    return c.json({ id: c.get('ledgerly').id })
  })
  return new Promise((resolve) => {
    // 128 KiB of headers, so that A5's 16 KiB and 68 KiB signature headers reach the middleware
    // (Node's default limit of 16 KiB answers 431 itself before any app code runs).
    const server: ServerType = serve(
      { fetch: app.fetch, hostname: '127.0.0.1', port: 0, serverOptions: { maxHeaderSize: 128 * 1024 } },
      (info) => {
        resolve({
          url: `http://127.0.0.1:${info.port}/webhooks`,
          calls,
          close: () => new Promise<void>((done) => server.close(() => done())),
        })
      },
    )
    void (server.address() as AddressInfo | null)
  })
}

describe('ledgerlyWebhook on a real @hono/node-server (127.0.0.1)', () => {
  let server: Running
  beforeAll(async () => {
    server = await start()
  })
  afterAll(async () => {
    await server.close()
  })

  it.each(wireCases)('$name', async (wire) => {
    const before = server.calls.length
    const response = await post(server.url, wire.headers, { body: wire.body })
    expect(response.status).toBe(wire.status)
    if (wire.code === undefined) {
      expect(JSON.parse(response.body)).toEqual({ id: 'entry_1' })
      expect(server.calls.length).toBe(before + 1)
    } else {
      expect(response.headers['content-type']).toBe('application/problem+json')
      expect(JSON.parse(response.body)).toMatchObject({ code: wire.code, status: wire.status })
      expect(response.body).not.toContain(DIGEST)
      expect(server.calls.length).toBe(before)
    }
  })

  it('the same signed body sent chunked (no Content-Length) → 200', async () => {
    const response = await post(server.url, SIGNED, { chunks: [new TextEncoder().encode(BODY)] })
    expect(response.status).toBe(200)
  })

  it('D25 chunked 10 MiB + 1 byte with the default limit → 413 PAYLOAD_TOO_LARGE', async () => {
    const tenMiB = 10 * 1024 * 1024
    function* upload() {
      yield* repeatedChunks(tenMiB / (64 * 1024))
      yield new Uint8Array(1)
    }
    const response = await post(server.url, SIGNED, { chunks: upload() })
    expect(response.status).toBe(413)
    expect(JSON.parse(response.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 })
  })

  it('D25 Content-Length over the limit → 413 before the body is read', async () => {
    const response = await post(server.url, [...SIGNED, ['content-length', String(11 * 1024 * 1024)]], {
      chunks: repeatedChunks(1),
    })
    expect(response.status).toBe(413)
  })

  it('after every case above, the server still accepts a signed webhook', async () => {
    const response = await post(server.url, SIGNED, { body: BODY })
    expect(response.status).toBe(200)
  })
})

describe('the body a handler reads after the middleware, on a real @hono/node-server', () => {
  // A body under 4 KiB that arrives in several chunks is joined into a new Buffer; Node takes small ones
  // from its shared 8 KiB pool. The cached arrayBuffer must be the body's bytes, not that whole pool block
  // (which would hold other requests' data, and break c.req.json()).
  it.each([
    ['one Content-Length body', { body: BODY }],
    [
      'two chunks',
      { chunks: [BODY.slice(0, 20), BODY.slice(20)].map((part) => new TextEncoder().encode(part)) },
    ],
    [
      'one byte per chunk',
      { chunks: [...new TextEncoder().encode(BODY)].map((byte) => Uint8Array.of(byte)) },
    ],
  ] as const)(
    '%s → c.req.arrayBuffer() is exactly the body and c.req.json() parses it',
    async (_name, payload) => {
      const app = new Hono()
      app.post('/webhooks', ledgerlyWebhook({ secret: SECRET, now: () => NOW_MS }), async (c) => {
        const bytes = await c.req.arrayBuffer()
        const text = new TextDecoder().decode(bytes)
        const json = (await c.req.json()) as { data: { id: string } }
        return c.json({ length: bytes.byteLength, same: text === BODY, id: json.data.id })
      })
      const server: ServerType = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 })
      await new Promise((resolve) => server.once('listening', resolve))
      try {
        const { port } = server.address() as AddressInfo
        const response = await post(`http://127.0.0.1:${port}/webhooks`, SIGNED, payload)
        expect(response.status).toBe(200)
        expect(JSON.parse(response.body)).toEqual({
          length: new TextEncoder().encode(BODY).byteLength,
          same: true,
          id: 'entry_1',
        })
      } finally {
        await new Promise<void>((done) => server.close(() => done()))
      }
    },
  )
})

describe('a client that goes away mid-body, on a real @hono/node-server', () => {
  it('Content-Length 1,000, 10 bytes sent, socket closed → 499 for the logs, onError not called, server up', async () => {
    const statuses: number[] = []
    const errors: unknown[] = []
    const app = new Hono()
    app.use(async (c, next) => {
      await next()
      statuses.push(c.res.status)
    })
    app.post(
      '/webhooks',
      ledgerlyWebhook({ secret: SECRET, now: () => NOW_MS, onError: (error) => void errors.push(error) }),
      (c) => c.json({ id: c.get('ledgerly').id }),
    )
    const server: ServerType = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 })
    await new Promise((resolve) => server.once('listening', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          `POST /webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\nx-ledgerly-signature: t=${T},v1=${DIGEST}\r\n\r\n{"event":`,
        )
        setTimeout(() => socket.destroy(), 50)
      })
      socket.on('error', () => undefined)
      for (let waited = 0; statuses.length === 0 && waited < 3000; waited += 10) {
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      expect(statuses).toEqual([499])
      expect(errors).toEqual([])
      const after = await post(`http://127.0.0.1:${port}/webhooks`, SIGNED, { body: BODY })
      expect(after.status).toBe(200)
    } finally {
      await new Promise<void>((done) => server.close(() => done()))
    }
  })
})

describe('memory and allowedIps on a real server', () => {
  it('D25 32 MiB chunked upload with a 1 MiB limit → 413, and the server holds far less than the upload', async () => {
    const server = await start({ maxBodyBytes: 1024 * 1024 })
    try {
      const gc = (globalThis as { gc?: () => void }).gc
      if (!gc) throw new Error('run with --expose-gc (set in vitest.config.ts) to measure live memory')
      const sample = () => {
        gc()
        const usage = process.memoryUsage()
        return usage.heapUsed + usage.arrayBuffers
      }
      const baseline = sample()
      let peak = baseline
      const timer = setInterval(() => {
        peak = Math.max(peak, sample())
      }, 5)
      const response = await post(server.url, SIGNED, { chunks: repeatedChunks(512) })
      clearInterval(timer)
      peak = Math.max(peak, sample())
      expect(response.status).toBe(413)
      const grownMiB = (peak - baseline) / (1024 * 1024)
      // Live memory, garbage collected before each sample: buffering the whole upload would keep ≥ 32 MiB;
      // the 1 MiB limit plus stream queues stay well under (the rest is drained and dropped).
      expect(grownMiB).toBeLessThan(16)
      const after = await post(server.url, SIGNED, { body: BODY })
      expect(after.status).toBe(200)
    } finally {
      await server.close()
    }
  })

  it.each<[string, Partial<HonoWebhookOptions>, Array<[string, string]>, number]>([
    ['127.0.0.1 in ["127.0.0.0/8"]', { allowedIps: ['127.0.0.0/8'] }, [], 200],
    ['127.0.0.1 not in ["10.0.0.0/8"]', { allowedIps: ['10.0.0.0/8'] }, [], 403],
    [
      'X-Forwarded-For 10.1.2.3 ignored without trustProxy',
      { allowedIps: ['10.0.0.0/8'] },
      [['x-forwarded-for', '10.1.2.3']],
      403,
    ],
    [
      'X-Forwarded-For 10.1.2.3 with trustProxy 1',
      { allowedIps: ['10.0.0.0/8'], trustProxy: 1 },
      [['x-forwarded-for', '10.1.2.3']],
      200,
    ],
  ])('allowedIps: %s → %i', async (_name, options, extra, status) => {
    const server = await start(options)
    try {
      const response = await post(server.url, [...SIGNED, ...extra], { body: BODY })
      expect(response.status).toBe(status)
      if (status === 403) expect(JSON.parse(response.body)).toMatchObject({ code: 'FORBIDDEN_SOURCE' })
    } finally {
      await server.close()
    }
  })
})

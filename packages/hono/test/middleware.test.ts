import { BODY, hmacHex, NOW_MS, requestFor, SECRET, T, wireCases } from '@ledgerly/test-support/wire-cases'
import { WebhookVerificationError } from '@ledgerly/webhooks'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { type HonoWebhookOptions, ledgerlyWebhook } from '../src/index.js'

const URL = 'http://localhost/webhooks'

function appWith(options: Partial<HonoWebhookOptions> = {}, before?: Parameters<Hono['use']>[1]) {
  const calls: string[] = []
  const app = new Hono()
  if (before) app.use('/webhooks', before)
  app.post('/webhooks', ledgerlyWebhook({ secret: SECRET, now: () => NOW_MS, ...options }), (c) => {
    const webhook = c.get('ledgerly')
    calls.push(webhook.id)
    return c.json({ event: webhook.event, id: webhook.id, secretIndex: webhook.secretIndex })
  })
  return { app, calls }
}

async function problemOf(response: Response): Promise<{ code?: string; status?: number; type?: string }> {
  expect(response.headers.get('content-type')).toBe('application/problem+json')
  return response.json()
}

describe('ledgerlyWebhook through app.request()', () => {
  it.each(wireCases)('$name', async (wire) => {
    const { app, calls } = appWith()
    const response = await app.request(requestFor(URL, wire))
    expect(response.status).toBe(wire.status)
    if (wire.code === undefined) {
      expect(await response.json()).toEqual({ event: 'entry_persisted', id: 'entry_1', secretIndex: 0 })
      expect(calls).toEqual(['entry_1'])
    } else {
      const problem = await problemOf(response)
      expect(problem).toMatchObject({ code: wire.code, status: wire.status })
      expect(JSON.stringify(problem)).not.toContain(hmacHex(BODY))
      expect(calls).toEqual([])
    }
  })

  it('D25 Content-Length over maxBodyBytes → 413 PAYLOAD_TOO_LARGE', async () => {
    const { app, calls } = appWith({ maxBodyBytes: 64 })
    const response = await app.request(requestFor(URL, { headers: [], body: 'x'.repeat(65) }))
    expect(response.status).toBe(413)
    expect(await problemOf(response)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })
    expect(calls).toEqual([])
  })

  it('D25 endless streamed body, no Content-Length → 413; the rest is drained (bounded, never kept) and cancelled', async () => {
    const { app } = appWith({ maxBodyBytes: 1024 })
    let pulled = 0
    let cancelled = false
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 64 * 1024
        controller.enqueue(new Uint8Array(64 * 1024).fill(32))
      },
      cancel() {
        cancelled = true
      },
    })
    const request = new Request(URL, { method: 'POST', body: endless, duplex: 'half' } as RequestInit)
    const response = await app.request(request)
    expect(response.status).toBe(413)
    expect(pulled).toBeLessThanOrEqual(17 * 1024 * 1024)
    expect(cancelled).toBe(true)
  })

  it.each([
    ['c.req.json()', 'application/json', (c: { req: { json(): Promise<unknown> } }) => c.req.json()],
    ['c.req.text()', 'application/json', (c: { req: { text(): Promise<unknown> } }) => c.req.text()],
    [
      'a json cache (Hono < 4.7 cached c.req.json() as json)',
      'application/json',
      (c: { req: { bodyCache: Record<string, unknown> } }) => {
        c.req.bodyCache.json = Promise.resolve(JSON.parse(BODY))
      },
    ],
  ])('D26 body already read with %s → 500 PAYLOAD_NOT_RAW', async (_name, type, read) => {
    const { app, calls } = appWith({}, async (c, next) => {
      await read(c)
      await next()
    })
    const response = await app.request(requestFor(URL, { headers: [['content-type', type]], body: BODY }))
    expect(response.status).toBe(500)
    expect(await problemOf(response)).toMatchObject({ code: 'PAYLOAD_NOT_RAW', status: 500 })
    expect(calls).toEqual([])
  })

  it('D26 body consumed from c.req.raw → 500 PAYLOAD_NOT_RAW', async () => {
    const { app } = appWith({}, async (c, next) => {
      await c.req.raw.text()
      await next()
    })
    const response = await app.request(requestFor(URL, { headers: [], body: BODY }))
    expect(await problemOf(response)).toMatchObject({ code: 'PAYLOAD_NOT_RAW' })
  })

  it.each([
    ['c.req.arrayBuffer()', (c: { req: { arrayBuffer(): Promise<unknown> } }) => c.req.arrayBuffer()],
    ['c.req.blob()', (c: { req: { blob(): Promise<unknown> } }) => c.req.blob()],
    [
      'c.req.parseBody() (Hono caches the bytes first)',
      (c: { req: { parseBody(): Promise<unknown> } }) => c.req.parseBody(),
    ],
  ])('body already read with %s → the cached exact bytes are verified (200)', async (_name, read) => {
    const { app } = appWith({}, async (c, next) => {
      await read(c)
      await next()
    })
    const headers: Array<[string, string]> = [
      ['content-type', 'application/x-www-form-urlencoded'],
      ['x-ledgerly-signature', `t=${T},v1=${hmacHex(BODY)}`],
    ]
    const response = await app.request(requestFor(URL, { headers, body: BODY }))
    expect(response.status).toBe(200)
  })

  it('cached bytes over maxBodyBytes → 413', async () => {
    const { app } = appWith({ maxBodyBytes: 10 }, async (c, next) => {
      await c.req.arrayBuffer()
      await next()
    })
    const response = await app.request(requestFor(URL, { headers: [], body: BODY }))
    expect(response.status).toBe(413)
  })

  it('the handler can still call c.req.json() after the middleware', async () => {
    const app = new Hono()
    app.post('/webhooks', ledgerlyWebhook({ secret: SECRET, now: () => NOW_MS }), async (c) =>
      c.json(await c.req.json()),
    )
    const headers: Array<[string, string]> = [['x-ledgerly-signature', `t=${T},v1=${hmacHex(BODY)}`]]
    const response = await app.request(requestFor(URL, { headers, body: BODY }))
    expect(await response.json()).toEqual(JSON.parse(BODY))
  })

  it('E30 rotation: old secret among [new, old] → 200 with secretIndex 1', async () => {
    const { app } = appWith({ secret: ['the-new-secret', SECRET] })
    const headers: Array<[string, string]> = [['x-ledgerly-signature', `t=${T},v1=${hmacHex(BODY)}`]]
    const response = await app.request(requestFor(URL, { headers, body: BODY }))
    expect(await response.json()).toMatchObject({ secretIndex: 1 })
  })

  it('onError → sees the error and can reshape the answer', async () => {
    const seen: unknown[] = []
    const { app } = appWith({
      onError(error, problem) {
        seen.push(error)
        return { ...problem, headers: { ...problem.headers, 'x-reshaped': 'yes' } }
      },
    })
    const response = await app.request(requestFor(URL, { headers: [], body: BODY }))
    expect(response.status).toBe(400)
    expect(response.headers.get('x-reshaped')).toBe('yes')
    expect(seen).toHaveLength(1)
    expect(seen[0]).toBeInstanceOf(WebhookVerificationError)
  })

  it('onError that throws → 500 INTERNAL_ERROR, no unhandled rejection', async () => {
    const { app } = appWith({
      onError() {
        throw new Error('logger down')
      },
    })
    const response = await app.request(requestFor(URL, { headers: [], body: BODY }))
    expect(response.status).toBe(500)
    expect(await problemOf(response)).toMatchObject({ code: 'INTERNAL_ERROR' })
  })

  it.each<[string, HonoWebhookOptions, RegExp]>([
    ['no secret', {} as HonoWebhookOptions, /secret/],
    ['secret with a trailing newline', { secret: 'abc\n' }, /whitespace/],
    ['tolerance -1', { secret: SECRET, tolerance: -1 }, /tolerance/],
    ['maxBodyBytes 0', { secret: SECRET, maxBodyBytes: 0 }, /maxBodyBytes/],
    ['bad allowedIps entry', { secret: SECRET, allowedIps: ['10.0.0.0/40'] }, /10\.0\.0\.0\/40/],
    ['getClientIp not a function', { secret: SECRET, getClientIp: 'x' as never }, /getClientIp/],
  ])('ledgerlyWebhook(%s) → throws when the app is built', (_name, options, message) => {
    expect(() => ledgerlyWebhook(options)).toThrow(message)
  })
})

describe('allowedIps through app.request()', () => {
  const signedRequest = (extra: Array<[string, string]> = []) =>
    requestFor(URL, {
      headers: [['x-ledgerly-signature', `t=${T},v1=${hmacHex(BODY)}`], ...extra],
      body: BODY,
    })

  // name, status, options, extra headers
  it.each<[string, number, Partial<HonoWebhookOptions>, Array<[string, string]>]>([
    ['peer inside the list', 200, { getClientIp: () => '10.1.2.3' }, []],
    ['peer outside the list', 403, { getClientIp: () => '192.0.2.1' }, []],
    // No address to check (Workers without getClientIp, trustProxy off): the receiver's configuration, so
    // 500 and Ledgerly keeps the webhook; a 403 would drop every webhook for good.
    ['peer unknown (no runtime address: Workers, app.request)', 500, {}, []],
    [
      'peer unknown (getClientIp finds no cf-connecting-ip)',
      500,
      { getClientIp: (c) => c.req.header('cf-connecting-ip') },
      [],
    ],
    ['peer unknown, trustProxy 1, client inside', 200, { trustProxy: 1 }, [['x-forwarded-for', '10.1.2.3']]],
    ['peer unknown, trustProxy 1, no header', 403, { trustProxy: 1 }, []],
    [
      'forged X-Forwarded-For, proxy not trusted',
      403,
      { getClientIp: () => '192.0.2.1' },
      [['x-forwarded-for', '10.1.2.3']],
    ],
    [
      'trustProxy 1, client inside',
      200,
      { getClientIp: () => '192.0.2.1', trustProxy: 1 },
      [['x-forwarded-for', '10.1.2.3']],
    ],
    [
      'trustProxy 1, spoofed leftmost entry',
      403,
      { getClientIp: () => '192.0.2.1', trustProxy: 1 },
      [['x-forwarded-for', '10.1.2.3, 198.51.100.9']],
    ],
    ['trustProxy 1, no header', 403, { getClientIp: () => '10.1.2.3', trustProxy: 1 }, []],
  ])('%s → %i', async (_name, status, options, extra) => {
    const seen: unknown[] = []
    const { app, calls } = appWith({
      allowedIps: ['10.0.0.0/8'],
      onError: (error) => void seen.push(error),
      ...options,
    })
    const response = await app.request(signedRequest(extra))
    expect(response.status).toBe(status)
    if (status === 403) {
      expect(await problemOf(response)).toMatchObject({ code: 'FORBIDDEN_SOURCE', status: 403 })
    }
    if (status === 500) {
      expect(await problemOf(response)).toMatchObject({ code: 'INTERNAL_ERROR', status: 500 })
      expect((seen[0] as Error).message).toContain("getClientIp: (c) => c.req.header('cf-connecting-ip')")
    }
    if (status !== 200) expect(calls).toEqual([])
  })

  // A runtime that closes the connection over an unread upload (workerd) makes the sender see EPIPE, not
  // the 403, and retry: the body is read to its end (and dropped) before answering.
  it('peer outside the list, body still streaming → 403 once the body has been read to its end', async () => {
    const { app } = appWith({ allowedIps: ['10.0.0.0/8'], getClientIp: () => '192.0.2.1' })
    let pulled = 0
    let ended = false
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (++pulled > 64) {
          ended = true
          controller.close()
        } else controller.enqueue(new Uint8Array(16 * 1024))
      },
    })
    const request = new Request(URL, { method: 'POST', body, duplex: 'half' } as RequestInit)
    const response = await app.request(request)
    expect(response.status).toBe(403)
    expect(ended).toBe(true)
  })
})

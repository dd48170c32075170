// The adapter-neutral bad-inputs table shared with the Hono adapter's tests.
import { BODY, DIGEST, NOW_MS, requestFor, SECRET, T, wireCases } from '@ledgerly/test-support/wire-cases'
import { WebhookVerificationError } from '@ledgerly/webhooks'
import { ForbiddenSourceError, isForbiddenSourceError } from '@ledgerly/webhooks/http'
import { describe, expect, it, vi } from 'vitest'
import { type EdgeWebhookOptions, verifyRequest, withLedgerlyWebhook } from '../src/index.js'

const URL = 'http://localhost/webhooks'
const SIGNED: Array<[string, string]> = [['x-ledgerly-signature', `t=${T},v1=${DIGEST}`]]

function handlerWith(options: Partial<EdgeWebhookOptions> = {}) {
  const calls: string[] = []
  const handle = withLedgerlyWebhook(
    (webhook) => {
      calls.push(webhook.id)
      return Response.json({ event: webhook.event, id: webhook.id })
    },
    { secret: SECRET, now: () => NOW_MS, ...options },
  )
  return { handle, calls }
}

const MiB = 1024 * 1024
/** `allowedIps` with a peer address outside it: refused with 403. */
const OUTSIDE: Partial<EdgeWebhookOptions> = { allowedIps: ['10.0.0.0/8'], getClientIp: () => '192.0.2.1' }

/** A body of 1 KiB chunks (1 MiB when endless) pulled only on demand, counting what was pulled. */
function countedBody(chunks: number | undefined) {
  const state = { pulled: 0, cancelled: false, stream: undefined as unknown as ReadableStream<Uint8Array> }
  state.stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (state.pulled === chunks) return controller.close()
        state.pulled++
        controller.enqueue(new Uint8Array(chunks === undefined ? MiB : 1024))
      },
      cancel() {
        state.cancelled = true
      },
    },
    { highWaterMark: 0 },
  )
  return state
}

async function problemOf(response: Response): Promise<{ code?: string; status?: number }> {
  expect(response.headers.get('content-type')).toBe('application/problem+json')
  return response.json()
}

describe('withLedgerlyWebhook', () => {
  it.each(wireCases)('$name', async (wire) => {
    const { handle, calls } = handlerWith()
    const response = await handle(requestFor(URL, wire))
    expect(response.status).toBe(wire.status)
    if (wire.code === undefined) {
      expect(await response.json()).toEqual({ event: 'entry_persisted', id: 'entry_1' })
      expect(calls).toEqual(['entry_1'])
    } else {
      const problem = await problemOf(response)
      expect(problem).toMatchObject({ code: wire.code, status: wire.status })
      expect(JSON.stringify(problem)).not.toContain(DIGEST)
      expect(calls).toEqual([])
    }
  })

  it.each<[string, Partial<EdgeWebhookOptions>, string, number | undefined, number, number, boolean]>([
    // name, options, Content-Length, chunks in the body (undefined: endless), status, chunks pulled, cancelled
    ['Content-Length over maxBodyBytes', { maxBodyBytes: 16 }, '4096', 4, 413, 4, false],
    [
      'Content-Length over the 16 MiB drain budget',
      { maxBodyBytes: 16 },
      `${32 * MiB}`,
      undefined,
      413,
      0,
      true,
    ],
    ['a source outside allowedIps', OUTSIDE, '4096', 4, 403, 4, false],
    // A refused source gets the smaller budget (SOURCE_REFUSAL_DRAIN): 1 MiB or 1 s.
    ['a source outside allowedIps, endless body', OUTSIDE, '', undefined, 403, 2, true],
    [
      'a source outside allowedIps, Content-Length over 1 MiB',
      OUTSIDE,
      `${2 * MiB}`,
      undefined,
      403,
      0,
      true,
    ],
  ])(
    'D25 %s → answered after the body is drained (≤ 16 MiB; 1 MiB for a refused source; never kept), else cancelled unread',
    async (_name, options, contentLength, chunks, status, pulled, cancelled) => {
      const { handle, calls } = handlerWith(options)
      const body = countedBody(chunks)
      const headers: Array<[string, string]> = contentLength
        ? [...SIGNED, ['content-length', contentLength]]
        : SIGNED
      const request = new Request(URL, {
        method: 'POST',
        headers,
        body: body.stream,
        duplex: 'half',
      } as RequestInit)
      const response = await handle(request)
      expect(response.status).toBe(status)
      expect(body.pulled).toBe(pulled)
      expect(body.cancelled).toBe(cancelled)
      expect(calls).toEqual([])
    },
  )

  it('D25 endless stream, no Content-Length → 413; the rest is drained (bounded, never kept) and cancelled', async () => {
    const { handle } = handlerWith({ maxBodyBytes: 4096 })
    let pulled = 0
    let cancelled = false
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 64 * 1024
        controller.enqueue(new Uint8Array(64 * 1024))
      },
      cancel() {
        cancelled = true
      },
    })
    const response = await handle(new Request(URL, { method: 'POST', body, duplex: 'half' } as RequestInit))
    expect(response.status).toBe(413)
    expect(pulled).toBeLessThanOrEqual(17 * 1024 * 1024)
    expect(cancelled).toBe(true)
  })

  it('D26 body already read → 500 PAYLOAD_NOT_RAW', async () => {
    const { handle, calls } = handlerWith()
    const request = requestFor(URL, { headers: SIGNED, body: BODY })
    await request.json()
    const response = await handle(request)
    expect(response.status).toBe(500)
    expect(await problemOf(response)).toMatchObject({ code: 'PAYLOAD_NOT_RAW' })
    expect(calls).toEqual([])
  })

  it('a handler returning nothing → 204', async () => {
    const handle = withLedgerlyWebhook(() => undefined, { secret: SECRET, now: () => NOW_MS })
    const response = await handle(requestFor(URL, { headers: SIGNED, body: BODY }))
    expect(response.status).toBe(204)
  })

  it('a handler that throws → 500 INTERNAL_ERROR without its message, and onError sees it', async () => {
    const seen: unknown[] = []
    const handle = withLedgerlyWebhook(
      () => {
        throw new Error('db password hunter2')
      },
      { secret: SECRET, now: () => NOW_MS, onError: (error) => void seen.push(error) },
    )
    const response = await handle(requestFor(URL, { headers: SIGNED, body: BODY }))
    expect(response.status).toBe(500)
    const text = await response.text()
    expect(JSON.parse(text)).toMatchObject({ code: 'INTERNAL_ERROR' })
    expect(text).not.toContain('hunter2')
    expect((seen[0] as Error).message).toBe('db password hunter2')
  })

  // Errors that would be 4xx from the adapter's own checks are still the handler's failure when the handler
  // threw them: a 4xx would make Ledgerly drop the delivery for good.
  it.each([
    [
      'a WebhookVerificationError',
      new WebhookVerificationError('MISSING_SIGNATURE', 'from another verify()'),
    ],
    ['a ForbiddenSourceError', new ForbiddenSourceError()],
    ['a string', 'nope'],
  ])(
    'a handler that throws %s → 500 INTERNAL_ERROR, and onError sees what it threw',
    async (_name, thrown) => {
      const seen: unknown[] = []
      const handle = withLedgerlyWebhook(
        () => {
          throw thrown
        },
        { secret: SECRET, now: () => NOW_MS, onError: (error) => void seen.push(error) },
      )
      const response = await handle(requestFor(URL, { headers: SIGNED, body: BODY }))
      expect(response.status).toBe(500)
      expect(await problemOf(response)).toMatchObject({ code: 'INTERNAL_ERROR', status: 500 })
      expect(seen).toEqual([thrown])
    },
  )

  it('onError returning an answer → that answer is sent', async () => {
    const { handle } = handlerWith({ onError: (_error, problem) => ({ ...problem, status: 418 }) })
    expect((await handle(requestFor(URL, { headers: [], body: BODY }))).status).toBe(418)
  })

  it('the runtime arguments reach the handler (Workers env and ctx)', async () => {
    const handle = withLedgerlyWebhook(
      (_webhook, _request, env: { NAME: string }, ctx: { id: number }) =>
        Response.json({ name: env.NAME, id: ctx.id }),
      { secret: SECRET, now: () => NOW_MS },
    )
    const response = await handle(
      requestFor(URL, { headers: SIGNED, body: BODY }),
      { NAME: 'prod' },
      { id: 7 },
    )
    expect(await response.json()).toEqual({ name: 'prod', id: 7 })
  })

  // No address to check (the runtime gives none, getClientIp finds none, trustProxy off) is the receiver's
  // configuration, not the sender's fault: 500, so Ledgerly keeps the webhook. A 403 would drop it for good.
  // name, status, options, runtime arguments, extra headers
  it.each<[string, number, Partial<EdgeWebhookOptions>, unknown[], Array<[string, string]>]>([
    ['no address known (workerd without getClientIp)', 500, {}, [], []],
    ['no address known (Next.js route context)', 500, {}, [{ params: Promise.resolve({}) }], []],
    ['Bun server.requestIP gives null', 500, {}, [{ requestIP: () => null }], []],
    [
      'getClientIp finds no cf-connecting-ip (null)',
      500,
      { getClientIp: (r) => r.headers.get('cf-connecting-ip') },
      [],
      [],
    ],
    ['getClientIp gives ""', 500, { getClientIp: () => '' }, [], []],
    [
      'no address known, trustProxy 1, X-Forwarded-For inside',
      200,
      { trustProxy: 1 },
      [],
      [['x-forwarded-for', '10.0.0.1']],
    ],
    ['no address known, trustProxy 1, no X-Forwarded-For', 403, { trustProxy: 1 }, [], []],
    [
      'no address known, trustProxy 2, one X-Forwarded-For entry',
      403,
      { trustProxy: 2 },
      [],
      [['x-forwarded-for', '10.0.0.1']],
    ],
    ['getClientIp inside', 200, { getClientIp: () => '10.0.0.1' }, [], []],
    ['getClientIp outside', 403, { getClientIp: () => '192.0.2.1' }, [], []],
    ['Deno info.remoteAddr inside', 200, {}, [{ remoteAddr: { hostname: '10.9.9.9' } }], []],
    ['Bun server.requestIP outside', 403, {}, [{ requestIP: () => ({ address: '192.0.2.1' }) }], []],
    [
      'Bun server.requestIP, IPv4-mapped inside',
      200,
      {},
      [{ requestIP: () => ({ address: '::ffff:10.0.0.2' }) }],
      [],
    ],
    [
      'cf-connecting-ip via getClientIp',
      200,
      { getClientIp: (r) => r.headers.get('cf-connecting-ip') },
      [],
      [['cf-connecting-ip', '10.1.1.1']],
    ],
    [
      'X-Forwarded-For without trustProxy',
      403,
      { getClientIp: () => '192.0.2.1' },
      [],
      [['x-forwarded-for', '10.0.0.1']],
    ],
    [
      'X-Forwarded-For with trustProxy',
      200,
      { getClientIp: () => '192.0.2.1', trustProxy: true },
      [],
      [['x-forwarded-for', '10.0.0.1']],
    ],
  ])('allowedIps ["10.0.0.0/8"], %s → %i', async (_name, status, options, args, extra) => {
    const seen: unknown[] = []
    const { handle, calls } = handlerWith({
      allowedIps: ['10.0.0.0/8'],
      onError: (error) => void seen.push(error),
      ...options,
    })
    const response = await (handle as (r: Request, ...a: unknown[]) => Promise<Response>)(
      requestFor(URL, { headers: [...SIGNED, ...extra], body: BODY }),
      ...args,
    )
    expect(response.status).toBe(status)
    if (status === 403) expect(await problemOf(response)).toMatchObject({ code: 'FORBIDDEN_SOURCE' })
    if (status === 500) {
      expect(await problemOf(response)).toMatchObject({ code: 'INTERNAL_ERROR' })
      expect((seen[0] as Error).message).toMatch(/getClientIp/)
    }
    if (status !== 200) expect(calls).toEqual([])
  })

  it('allowedIps, no address known, no onError → 500, logged with console.error: how to pass getClientIp or trustProxy', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      const { handle } = handlerWith({ allowedIps: ['10.0.0.0/8'] })
      const response = await handle(requestFor(URL, { headers: SIGNED, body: BODY }))
      expect(response.status).toBe(500)
      expect(log).toHaveBeenCalledTimes(1)
      const message = (log.mock.calls[0]![1] as Error).message
      expect(message).toMatch(/allowedIps/)
      expect(message).toContain("getClientIp: (request) => request.headers.get('cf-connecting-ip')")
      expect(message).toMatch(/trustProxy/)
    } finally {
      log.mockRestore()
    }
  })

  it.each<[string, unknown, unknown, RegExp]>([
    ['handler not a function', 'nope', { secret: SECRET }, /"handler" must be a function/],
    ['no options', () => undefined, undefined, /options \{ secret \} are required/],
    ['empty secret', () => undefined, { secret: '' }, /secret/],
    ['tolerance 1.5', () => undefined, { secret: SECRET, tolerance: 1.5 }, /tolerance/],
    ['bad allowedIps', () => undefined, { secret: SECRET, allowedIps: ['::1/200'] }, /::1\/200/],
    ['getClientIp not a function', () => undefined, { secret: SECRET, getClientIp: 1 }, /getClientIp/],
  ])('withLedgerlyWebhook(%s) → throws when built', (_name, handler, options, message) => {
    expect(() => withLedgerlyWebhook(handler as never, options as EdgeWebhookOptions)).toThrow(message)
  })
})

describe('verifyRequest', () => {
  const options: EdgeWebhookOptions = { secret: SECRET, now: () => NOW_MS }

  it('signed request → the verified webhook', async () => {
    const webhook = await verifyRequest(requestFor(URL, { headers: SIGNED, body: BODY }), options)
    expect(webhook).toMatchObject({ event: 'entry_persisted', id: 'entry_1', secretIndex: 0, timestamp: T })
    expect(new TextDecoder().decode(webhook.raw)).toBe(BODY)
  })

  it.each(wireCases.filter((wire) => wire.code !== undefined))('$name (rejects)', async (wire) => {
    const error = await verifyRequest(requestFor(URL, wire), options).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WebhookVerificationError)
    expect(error).toMatchObject({ code: wire.code, status: wire.status })
  })

  it('the same options object twice → the same validated settings (keys imported once)', async () => {
    let clockReads = 0
    const counted: EdgeWebhookOptions = {
      secret: SECRET,
      get now() {
        clockReads++
        return () => NOW_MS
      },
    }
    await verifyRequest(requestFor(URL, { headers: SIGNED, body: BODY }), counted)
    await verifyRequest(requestFor(URL, { headers: SIGNED, body: BODY }), counted)
    expect(clockReads).toBe(1)
  })

  it('allowedIps, no address known → rejects with an Error that is not a 403 (the runtime answers 500)', async () => {
    const refused = await verifyRequest(requestFor(URL, { headers: SIGNED, body: BODY }), {
      ...options,
      allowedIps: ['10.0.0.0/8'],
    }).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(Error)
    expect(isForbiddenSourceError(refused)).toBe(false)
    expect((refused as Error).message).toMatch(/getClientIp/)
  })

  it('bad options → throws synchronously', () => {
    expect(() => verifyRequest(new Request(URL), { secret: ' x' })).toThrow(TypeError)
  })
})

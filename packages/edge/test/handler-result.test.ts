// What the handler returns, and what it can still do with the request it is given: only a Response (or
// nothing, for 204) is sent; anything else is the handler's bug, answered 500 so Ledgerly retries.
import { BODY, DIGEST, NOW_MS, requestFor, SECRET, T } from '@ledgerly/test-support/wire-cases'
import { problemFor } from '@ledgerly/webhooks/http'
import { memoryStore } from '@ledgerly/webhooks/idempotency'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type EdgeWebhookOptions, withLedgerlyWebhook } from '../src/index.js'

const URL = 'http://localhost/webhooks'
const SIGNED: Array<[string, string]> = [
  ['content-type', 'application/json'],
  ['x-ledgerly-signature', `t=${T},v1=${DIGEST}`],
]
const SECRET_VALUE = 'sk_live_do_not_log'

function signed(): Request {
  return requestFor(URL, { headers: SIGNED, body: BODY })
}

/** A Response from another realm or another fetch implementation: not `instanceof` this realm's Response. */
class ForeignResponse {
  readonly status = 202
  readonly headers = new Headers({ 'x-foreign': 'yes' })
  readonly body = null
  clone(): ForeignResponse {
    return this
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    return new ArrayBuffer(0)
  }
}

function handlerReturning(value: unknown, options: Partial<EdgeWebhookOptions> = {}) {
  const seen: unknown[] = []
  const handle = withLedgerlyWebhook(() => value as Response, {
    secret: SECRET,
    now: () => NOW_MS,
    onError: (error) => void seen.push(error),
    ...options,
  })
  return { handle, seen }
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('withLedgerlyWebhook: what the handler returns', () => {
  it('a handler returning a Response → that Response, as it is', async () => {
    const sent = new Response('made', { status: 201 })
    const { handle, seen } = handlerReturning(sent)
    expect(await handle(signed())).toBe(sent)
    expect(seen).toEqual([])
  })

  it.each([undefined, null])('a handler returning nothing (%s) → 204', async (nothing) => {
    const { handle } = handlerReturning(nothing)
    expect((await handle(signed())).status).toBe(204)
  })

  it('a handler returning a Response of another realm (not instanceof) → that Response, as it is', async () => {
    const sent = new ForeignResponse()
    const { handle, seen } = handlerReturning(sent)
    expect(await handle(signed())).toBe(sent)
    expect(seen).toEqual([])
  })

  it.each<[string, unknown, RegExp]>([
    ['problemFor() answer { status, headers, body }', problemFor(new Error(SECRET_VALUE)), /an object/],
    ['plain object with status and headers', { status: 200, headers: {}, data: SECRET_VALUE }, /an object/],
    ['string', SECRET_VALUE, /a string/],
    ['number', 4242, /a number/],
    ['boolean', true, /a boolean/],
    ['array', [SECRET_VALUE], /an array/],
    ['Promise of a string', Promise.resolve(SECRET_VALUE), /a string/],
  ])(
    'a handler returning a %s → 500 INTERNAL_ERROR; onError gets a TypeError naming the type, never the value',
    async (_name, value, type) => {
      const { handle, seen } = handlerReturning(value)
      const response = await handle(signed())
      expect(response.status).toBe(500)
      expect(response.headers.get('content-type')).toBe('application/problem+json')
      expect(await response.json()).toMatchObject({ code: 'INTERNAL_ERROR', status: 500 })
      expect(seen).toHaveLength(1)
      const error = seen[0] as Error
      expect(error).toBeInstanceOf(TypeError)
      expect(error.message).toMatch(type)
      expect(error.message).toMatch(/must return a Response, or nothing/)
      expect(error.message).not.toContain(SECRET_VALUE)
      expect(error.message).not.toContain('4242')
    },
  )

  it('a handler returning a plain object, no onError → 500, logged once with console.error', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    const handle = withLedgerlyWebhook(() => ({ status: 200, headers: {}, body: '' }) as never, {
      secret: SECRET,
      now: () => NOW_MS,
    })
    expect((await handle(signed())).status).toBe(500)
    expect(log).toHaveBeenCalledTimes(1)
    expect(String(log.mock.calls[0]![0])).toContain('answered 500 INTERNAL_ERROR')
    expect((log.mock.calls[0]![1] as Error).message).toMatch(/returned an object/)
  })

  it('idempotency: a handler returning a plain object → 500, the claim released, the retry runs it again', async () => {
    let runs = 0
    const handle = withLedgerlyWebhook(
      () => (++runs === 1 ? ({ status: 200, headers: {}, body: '' } as never) : undefined),
      {
        secret: SECRET,
        now: () => NOW_MS,
        onError: () => undefined,
        idempotency: { store: memoryStore(), leaseMs: 10_000 },
      },
    )
    expect((await handle(signed())).status).toBe(500)
    expect((await handle(signed())).status).toBe(204)
    expect(runs).toBe(2)
  })
})

describe('withLedgerlyWebhook: the request the handler gets', () => {
  it('a handler → the very request the runtime passed, and webhook.raw holds the verified bytes', async () => {
    const original = signed()
    let seen: Request | undefined
    let raw = ''
    const handle = withLedgerlyWebhook(
      (webhook, request) => {
        seen = request
        raw = new TextDecoder().decode(webhook.raw)
      },
      { secret: SECRET, now: () => NOW_MS },
    )
    expect((await handle(original)).status).toBe(204)
    // Identity matters: Bun's server.requestIP(request) and Workers' request.cf key on the runtime's object.
    expect(seen).toBe(original)
    expect(raw).toBe(BODY)
  })

  it('a handler reading request.text() → 500 INTERNAL_ERROR (the body was read to verify it), as documented', async () => {
    const handle = withLedgerlyWebhook(async (_webhook, request) => new Response(await request.text()), {
      secret: SECRET,
      now: () => NOW_MS,
      onError: () => undefined,
    })
    const response = await handle(signed())
    expect(response.status).toBe(500)
  })
})

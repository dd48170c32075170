import { BODY, hmacHex, NOW_MS, requestFor, SECRET, T } from '@ledgerly/test-support/wire-cases'
import { WebhookVerificationError } from '@ledgerly/webhooks'
import { memoryStore } from '@ledgerly/webhooks/idempotency'
import { describe, expect, it } from 'vitest'
import { withLedgerlyWebhook } from '../src/index.js'

function delivery(timestamp = T, extra: Array<[string, string]> = []): Request {
  const headers: Array<[string, string]> = [
    ['x-ledgerly-signature', `t=${timestamp},v1=${hmacHex(BODY, timestamp)}`],
    ...extra,
  ]
  return requestFor('http://localhost/webhooks', { headers, body: BODY })
}

function handlerWith(route: (attempt: number) => Response | undefined | Promise<Response | undefined>) {
  let runs = 0
  const handle = withLedgerlyWebhook(() => route(++runs), {
    secret: SECRET,
    now: () => NOW_MS,
    idempotency: { store: memoryStore(), leaseMs: 10_000 },
  })
  return { handle, runs: () => runs }
}

describe('withLedgerlyWebhook(handler, { idempotency })', () => {
  it('F31/F34 the same event twice (new delivery id, fresh signature) → handler once, then 200 duplicate', async () => {
    const { handle, runs } = handlerWith(() => new Response('done', { status: 201 }))
    const first = await handle(delivery(T, [['x-ledgerly-delivery', 'a']]))
    const second = await handle(delivery(T + 20, [['x-ledgerly-delivery', 'b']]))
    expect([first.status, second.status]).toEqual([201, 200])
    expect(second.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await second.json()).toEqual({ outcome: 'duplicate' })
    expect(runs()).toBe(1)
  })

  it('F32 a handler that throws → 500, the retry runs it again', async () => {
    const { handle, runs } = handlerWith((attempt) => {
      if (attempt === 1) throw new Error('boom')
      return undefined
    })
    expect((await handle(delivery())).status).toBe(500)
    expect((await handle(delivery())).status).toBe(204)
    expect(runs()).toBe(2)
  })

  it('a handler that throws a WebhookVerificationError → 500 (not its 4xx), the retry runs it again', async () => {
    const { handle, runs } = handlerWith((attempt) => {
      if (attempt === 1) throw new WebhookVerificationError('SIGNATURE_MISMATCH', 'verifying something else')
      return undefined
    })
    expect((await handle(delivery())).status).toBe(500)
    expect((await handle(delivery())).status).toBe(204)
    expect(runs()).toBe(2)
  })

  it('a handler answering 500 itself → that answer is sent and the claim released', async () => {
    const { handle, runs } = handlerWith(
      (attempt) => new Response('x', { status: attempt === 1 ? 500 : 200 }),
    )
    const first = await handle(delivery())
    expect(first.status).toBe(500)
    expect(await first.text()).toBe('x')
    expect((await handle(delivery())).status).toBe(200)
    expect(runs()).toBe(2)
  })

  it('F33 ten concurrent deliveries → the handler runs once; the rest get 503 + Retry-After', async () => {
    let release: () => void = () => undefined
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const { handle, runs } = handlerWith(async () => {
      await gate
      return new Response('done')
    })
    const pending = Array.from({ length: 10 }, (_, i) => handle(delivery(T + i)))
    await new Promise((resolve) => setTimeout(resolve, 20))
    release()
    const responses = await Promise.all(pending)
    const statuses = responses.map((response) => response.status).sort()
    expect(statuses).toEqual([200, ...Array(9).fill(503)])
    for (const response of responses.filter((r) => r.status === 503)) {
      expect(response.headers.get('retry-after')).toBe('10')
    }
    expect(runs()).toBe(1)
  })
})

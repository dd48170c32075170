import { BODY, hmacHex, NOW_MS, requestFor, SECRET, T } from '@ledgerly/test-support/wire-cases'
import { memoryStore } from '@ledgerly/webhooks/idempotency'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { ledgerlyWebhook } from '../src/index.js'

const URL = 'http://localhost/webhooks'

function delivery(timestamp = T, extra: Array<[string, string]> = []): Request {
  const headers: Array<[string, string]> = [
    ['x-ledgerly-signature', `t=${timestamp},v1=${hmacHex(BODY, timestamp)}`],
    ...extra,
  ]
  return requestFor(URL, { headers, body: BODY })
}

function appWith(route: (attempt: number) => Response | Promise<Response>) {
  let runs = 0
  const app = new Hono()
  app.onError((_error, c) => c.text('route failed', 500)) // the app's own error answer, and a quiet log
  app.post(
    '/webhooks',
    ledgerlyWebhook({
      secret: SECRET,
      now: () => NOW_MS,
      idempotency: { store: memoryStore(), leaseMs: 30_000 },
    }),
    () => route(++runs),
  )
  return { app, runs: () => runs }
}

describe('ledgerlyWebhook({ idempotency })', () => {
  it('F31 the same request twice → handler runs once, both 200', async () => {
    const { app, runs } = appWith(() => new Response('done'))
    const first = await app.request(delivery())
    const second = await app.request(delivery())
    expect([first.status, second.status]).toEqual([200, 200])
    expect(await first.text()).toBe('done')
    expect(runs()).toBe(1)
  })

  it('F32/F34 a re-signed retry with a new X-Ledgerly-Delivery → 200 duplicate, handler not run', async () => {
    const { app, runs } = appWith(() => new Response('done'))
    await app.request(delivery(T, [['x-ledgerly-delivery', 'd-1']]))
    const retry = await app.request(delivery(T + 30, [['x-ledgerly-delivery', 'd-2']]))
    expect(retry.status).toBe(200)
    expect(await retry.json()).toEqual({ outcome: 'duplicate' })
    expect(runs()).toBe(1)
  })

  it('F32 a handler that throws → 500, then the retry runs it again → 200', async () => {
    const { app, runs } = appWith((attempt) => {
      if (attempt === 1) throw new Error('database down')
      return new Response('done')
    })
    const failed = await app.request(delivery())
    const retried = await app.request(delivery(T + 10))
    expect([failed.status, retried.status]).toEqual([500, 200])
    expect(runs()).toBe(2)
  })

  it('a handler answering 503 itself → the claim is released and the retry runs it', async () => {
    const { app, runs } = appWith((attempt) => new Response(null, { status: attempt === 1 ? 503 : 200 }))
    const statuses = [(await app.request(delivery())).status, (await app.request(delivery())).status]
    expect(statuses).toEqual([503, 200])
    expect(runs()).toBe(2)
  })

  it('F33 concurrent deliveries → handler runs once; the others get 503 with Retry-After', async () => {
    let release: () => void = () => undefined
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const { app, runs } = appWith(async () => {
      await gate
      return new Response('done')
    })
    const first = app.request(delivery())
    await new Promise((resolve) => setTimeout(resolve, 20))
    const concurrent = await Promise.all([app.request(delivery()), app.request(delivery(T + 1))])
    release()
    expect((await first).status).toBe(200)
    for (const response of concurrent) {
      expect(response.status).toBe(503)
      expect(response.headers.get('retry-after')).toBe('30')
      expect(await response.json()).toMatchObject({ code: 'IN_PROGRESS', status: 503 })
    }
    expect(runs()).toBe(1)
  })

  it('a store whose claim fails → 500 INTERNAL_ERROR (the sender retries), handler not run', async () => {
    let runs = 0
    const store = {
      claim: async () => {
        throw new Error('redis down')
      },
      complete: async () => undefined,
      release: async () => undefined,
    }
    const app = new Hono()
    app.post(
      '/webhooks',
      ledgerlyWebhook({ secret: SECRET, now: () => NOW_MS, idempotency: { store } }),
      () => {
        runs++
        return new Response('done')
      },
    )
    const response = await app.request(delivery())
    expect(response.status).toBe(500)
    expect(await response.json()).toMatchObject({ code: 'INTERNAL_ERROR' })
    expect(runs).toBe(0)
  })

  it('idempotency without a store → throws when the app is built', () => {
    expect(() => ledgerlyWebhook({ secret: SECRET, idempotency: {} as never })).toThrow(
      /ledgerlyWebhook.*store/,
    )
  })
})

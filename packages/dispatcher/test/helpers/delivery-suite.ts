import { createVerifier, isWebhookVerificationError } from '@ledgerly/webhooks'
import { afterEach, describe, expect, it } from 'vitest'
import { createSignedDispatcher, type DeliveryQueue, type SignedDispatcherOptions } from '../../src/index.js'
import { closedPort, entryPayload, startServer, statuses } from './server.js'

const secret = 'whsec-test-secret-for-dispatcher'
// Backoff [10, 30, 60] s scaled by 0.01 → 100 ms, then 300 ms: the real defaults, run fast.
const SCALE = 0.01
/**
 * The dispatcher's end-to-end suite over real HTTP, run once per queue driver: the same assertions must
 * hold whatever stores the jobs.
 */
export function deliverySuite(label: string, makeQueue: () => DeliveryQueue) {
  const cleanups: (() => Promise<unknown>)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  async function setup(
    respond: Parameters<typeof startServer>[0],
    options: Partial<SignedDispatcherOptions> = {},
  ) {
    const server = await startServer(respond)
    cleanups.push(server.close)
    const dispatcher = createSignedDispatcher({
      url: server.url,
      secret,
      backoffScale: SCALE,
      queue: makeQueue(),
      ...options,
    })
    cleanups.push(() => dispatcher.close({ timeoutMs: 100 }))
    return { server, dispatcher }
  }

  describe(`delivery over real HTTP (${label} queue)`, () => {
    it('500, 500, 200 → exactly 3 attempts, gaps following the scaled backoff', async () => {
      const { server, dispatcher } = await setup(statuses(500, 500, 200))
      const id = await dispatcher.enqueue(entryPayload(), 'entry_persisted')
      await dispatcher.drained()
      expect(server.received).toHaveLength(3)
      const record = dispatcher.log.get(id)!
      expect(record.state).toBe('delivered')
      expect(record.attempts.map((a) => [a.status, a.outcome, a.retryInMs])).toEqual([
        [500, 'retry', 100],
        [500, 'retry', 300],
        [200, 'delivered', undefined],
      ])
      const [first, second, third] = server.received.map((r) => r.at)
      // Lower bounds only: a timer never fires early; how late it fires is the machine's business.
      expect(second! - first!).toBeGreaterThanOrEqual(95)
      expect(third! - second!).toBeGreaterThanOrEqual(295)
    })

    it('every retry → fresh signature the verifier accepts, same body bytes, same delivery id', async () => {
      let clock = 1_800_000_000_000
      const { server, dispatcher } = await setup(statuses(503, 502, 200), { now: () => (clock += 1000) })
      await dispatcher.dispatch(entryPayload('entry_same'), 'entry_persisted')
      await dispatcher.drained()
      const verifier = createVerifier({ secret, now: () => clock })
      const bodies = new Set(server.received.map((r) => r.body.toString('hex')))
      expect(bodies.size).toBe(1)
      expect(new Set(server.received.map((r) => r.headers['x-ledgerly-delivery'])).size).toBe(1)
      expect(new Set(server.received.map((r) => r.headers['x-ledgerly-signature'])).size).toBe(3)
      expect(server.received.map((r) => r.headers['x-ledgerly-attempt'])).toEqual(['1', '2', '3'])
      for (const request of server.received) {
        expect(request.headers['content-type']).toBe('application/json')
        expect(request.headers['x-ledgerly-event']).toBe('entry_persisted')
        const webhook = await verifier.verify({
          payload: new Uint8Array(request.body),
          headers: request.headers,
        })
        expect(webhook.id).toBe('entry_same')
      }
    })

    it.each([
      ['no extra headers', {}, 'ledgerly-webhooks-dispatcher/0', undefined],
      [
        'an authorization header',
        { Authorization: 'Bearer t0k3n' },
        'ledgerly-webhooks-dispatcher/0',
        'Bearer t0k3n',
      ],
      ['a user-agent of its own', { 'User-Agent': 'acme-sender/2' }, 'acme-sender/2', undefined],
    ])(
      'headers option with %s → each header sent once, the GUIDE §2 ones intact',
      async (_label, headers, agent, auth) => {
        const { server, dispatcher } = await setup(statuses(200), { headers })
        const id = await dispatcher.enqueue(entryPayload(), 'entry_persisted')
        await dispatcher.drained()
        const [request] = server.received
        const names = request!.rawHeaders
          .filter((_value, index) => index % 2 === 0)
          .map((name) => name.toLowerCase())
        expect(names.length).toBe(new Set(names).size)
        expect(request!.headers['user-agent']).toBe(agent)
        expect(request!.headers.authorization).toBe(auth)
        expect(request!.headers['content-type']).toBe('application/json')
        expect(request!.headers['x-ledgerly-delivery']).toBe(id)
        expect(request!.headers['x-ledgerly-attempt']).toBe('1')
        expect(request!.headers['x-ledgerly-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/)
      },
    )

    it('first attempt headers replayed after the tolerance → TIMESTAMP_TOO_OLD', async () => {
      const { server, dispatcher } = await setup(statuses(500, 200))
      await dispatcher.dispatch(entryPayload(), 'entry_persisted')
      await dispatcher.drained()
      const first = server.received[0]!
      const signedAt = Number(first.headers['x-ledgerly-timestamp'])
      const inWindow = createVerifier({ secret, now: () => (signedAt + 300) * 1000 })
      await expect(
        inWindow.verify({ payload: new Uint8Array(first.body), headers: first.headers }),
      ).resolves.toBeTruthy()
      const replayed = createVerifier({ secret, now: () => (signedAt + 301) * 1000 })
      const error = await replayed
        .verify({ payload: new Uint8Array(first.body), headers: first.headers })
        .catch((e) => e)
      expect(isWebhookVerificationError(error) && error.code).toBe('TIMESTAMP_TOO_OLD')
    })

    it.each([400, 401, 404, 410, 422])('%i → 1 attempt, permanent failure', async (status) => {
      const { server, dispatcher } = await setup(statuses(status))
      const failures: string[] = []
      dispatcher.on('failure', ({ attempt }) => failures.push(attempt.error!.code))
      const id = await dispatcher.enqueue(entryPayload(), 'entry_persisted')
      await dispatcher.drained()
      expect(server.received).toHaveLength(1)
      expect(failures).toEqual(['CLIENT_ERROR'])
      expect(dispatcher.log.get(id)!.state).toBe('failed')
    })

    it('301 with Location → not followed, 1 attempt, REDIRECT', async () => {
      const { server, dispatcher } = await setup((_i, _r, response) => {
        response.writeHead(301, { location: 'http://127.0.0.1:1/elsewhere' }).end()
      })
      const id = await dispatcher.enqueue(entryPayload(), 'entry_persisted')
      await dispatcher.drained()
      expect(server.received).toHaveLength(1)
      expect(dispatcher.log.get(id)!.attempts[0]!.error!.code).toBe('REDIRECT')
    })

    it('timeout → retried, then delivered', async () => {
      const { server, dispatcher } = await setup(
        async (index, _request, response) => {
          if (index === 0) await new Promise((resolve) => setTimeout(resolve, 2_000))
          if (!response.destroyed) response.writeHead(200).end()
        },
        { timeout: 0.6 },
      )
      const id = await dispatcher.enqueue(entryPayload(), 'entry_persisted')
      await dispatcher.drained()
      const attempts = dispatcher.log.get(id)!.attempts
      expect(attempts.map((a) => a.error?.code ?? a.status)).toEqual(['TIMEOUT', 200])
      expect(server.received).toHaveLength(2)
    })

    it('connection refused → retried until tries are exhausted → failure reported', async () => {
      const port = await closedPort()
      const dispatcher = createSignedDispatcher({
        url: `http://127.0.0.1:${port}/`,
        secret,
        backoffScale: SCALE,
      })
      cleanups.push(() => dispatcher.close())
      const failed: number[] = []
      dispatcher.on('failure', ({ attempt }) => failed.push(attempt.attempt))
      const id = await dispatcher.enqueue(entryPayload(), 'entry_persisted')
      await dispatcher.drained()
      const record = dispatcher.log.get(id)!
      expect(record.attempts.map((a) => a.error?.code)).toEqual([
        'NETWORK_ERROR',
        'NETWORK_ERROR',
        'NETWORK_ERROR',
      ])
      expect(record.attempts.map((a) => a.outcome)).toEqual(['retry', 'retry', 'failed'])
      expect(failed).toEqual([3])
    })

    it('per-event policy { tries: 5, backoff: [1] } → 5 attempts, the last backoff repeating', async () => {
      const { server, dispatcher } = await setup(statuses(500), {
        retry: { custom: { tries: 5, backoff: [1] } },
      })
      const id = await dispatcher.enqueue({ event: 'custom', data: { id: 'c1' } }, 'custom')
      await dispatcher.drained()
      expect(server.received).toHaveLength(5)
      expect(dispatcher.log.get(id)!.attempts.map((a) => a.retryInMs)).toEqual([10, 10, 10, 10, undefined])
    })

    it('503 with Retry-After: 20 → waits 20 s (scaled), not the 10 s backoff', async () => {
      const { dispatcher } = await setup((index, _r, response) => {
        response.writeHead(index === 0 ? 503 : 200, index === 0 ? { 'retry-after': '20' } : {}).end()
      })
      const id = await dispatcher.enqueue(entryPayload(), 'entry_persisted')
      await dispatcher.drained()
      expect(dispatcher.log.get(id)!.attempts[0]!.retryInMs).toBe(200)
    })

    it('Retry-After beyond maxRetryAfter → capped', async () => {
      const { dispatcher } = await setup(
        (index, _r, response) => {
          response.writeHead(index === 0 ? 503 : 200, { 'retry-after': '86400' }).end()
        },
        { maxRetryAfter: 50 },
      )
      const id = await dispatcher.enqueue(entryPayload(), 'entry_persisted')
      await dispatcher.drained()
      expect(dispatcher.log.get(id)!.attempts[0]!.retryInMs).toBe(500)
    })

    it('429 listed in retryStatuses → retried', async () => {
      const { server, dispatcher } = await setup(statuses(429, 200), { retryStatuses: [429] })
      await dispatcher.dispatch(entryPayload(), 'entry_persisted')
      await dispatcher.drained()
      expect(server.received).toHaveLength(2)
    })

    it('rotation with two secrets → two v1 entries; a receiver holding only the old one accepts', async () => {
      const { server, dispatcher } = await setup(statuses(200), { secret: ['new-secret-value', secret] })
      await dispatcher.dispatch(entryPayload(), 'entry_persisted')
      await dispatcher.drained()
      const request = server.received[0]!
      expect(String(request.headers['x-ledgerly-signature']).match(/v1=/g)).toHaveLength(2)
      const webhook = await createVerifier({ secret }).verify({
        payload: new Uint8Array(request.body),
        headers: request.headers,
      })
      expect(webhook.secretIndex).toBe(0)
    })

    it('a 1 MiB response → read up to maxResponseBytes only, still delivered', async () => {
      const { dispatcher } = await setup(
        (_i, _r, response) => {
          response.writeHead(200).end('x'.repeat(1 << 20))
        },
        {
          maxResponseBytes: 16,
        },
      )
      const id = await dispatcher.enqueue(entryPayload(), 'entry_persisted')
      await dispatcher.drained()
      const attempt = dispatcher.log.get(id)!.attempts[0]!
      expect(attempt.outcome).toBe('delivered')
      expect(attempt.responseExcerpt).toBe('x'.repeat(16))
    })

    it('hooks → attempt, retry, success in order', async () => {
      const { dispatcher } = await setup(statuses(500, 204))
      const seen: string[] = []
      dispatcher.on('attempt', ({ attempt }) => seen.push(`attempt ${attempt}`))
      dispatcher.on('retry', () => seen.push('retry'))
      dispatcher.on('success', () => seen.push('success'))
      dispatcher.on('success', () => {
        throw new Error('a broken observer')
      })
      // An async listener that rejects: unhandled, it would end the process (and fail this run).
      for (const name of ['attempt', 'retry', 'success'] as const) {
        dispatcher.on(name, async () => {
          throw new Error(`a broken async ${name} observer`)
        })
      }
      await dispatcher.dispatch(entryPayload(), 'entry_persisted')
      await dispatcher.drained()
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(seen).toEqual(['attempt 1', 'retry', 'attempt 2', 'success'])
    })

    it('dispatch again with the same deliveryId while its retry waits → skipped: attempts 1 and 2 once each', async () => {
      const { server, dispatcher } = await setup(statuses(503, 200), {
        defaultRetry: { tries: 3, backoff: [30] },
      })
      const retried = new Promise((resolve) => dispatcher.on('retry', resolve))
      const payload = entryPayload('entry_twice')
      await dispatcher.dispatch(payload, 'entry_persisted', { deliveryId: 'dlv_twice' })
      await retried
      // Attempt 1 is over (its job settled), attempt 2 waits 300 ms (scaled): a producer re-publishes the
      // same delivery.
      await new Promise((resolve) => setTimeout(resolve, 50))
      await dispatcher.dispatch(payload, 'entry_persisted', { deliveryId: 'dlv_twice' })
      await dispatcher.drained()
      expect(server.received.map((r) => r.headers['x-ledgerly-attempt'])).toEqual(['1', '2'])
      expect(dispatcher.log.get('dlv_twice')!.attempts.map((a) => `${a.attempt} ${a.outcome}`)).toEqual([
        '1 retry',
        '2 delivered',
      ])
    })

    // A delay of 0 let the memory queue start attempt n+1 inside attempt n, before n was recorded.
    it('backoff [0], 500 every time → hooks and log in attempt order: retry 1 before attempt 2', async () => {
      const { dispatcher } = await setup(statuses(500, 500, 500), {
        defaultRetry: { tries: 3, backoff: [0] },
      })
      const seen: string[] = []
      dispatcher.on('attempt', ({ attempt }) => seen.push(`attempt ${attempt}`))
      dispatcher.on('retry', ({ attempt }) => seen.push(`retry ${attempt.attempt}`))
      dispatcher.on('failure', ({ attempt }) => seen.push(`failure ${attempt.attempt}`))
      const id = await dispatcher.enqueue(entryPayload(), 'entry_persisted')
      await dispatcher.drained()
      expect(seen).toEqual(['attempt 1', 'retry 1', 'attempt 2', 'retry 2', 'attempt 3', 'failure 3'])
      expect(dispatcher.log.get(id)!.attempts.map((a) => `${a.attempt} ${a.outcome}`)).toEqual([
        '1 retry',
        '2 retry',
        '3 failed',
      ])
    })
  })
}

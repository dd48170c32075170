// The idempotency option (issue 5, bad-inputs.md F) through real Express 4 and 5 servers.
import { type IdempotencyStore, memoryStore } from '@ledgerly/webhooks/idempotency'
import { afterEach, describe, expect, it } from 'vitest'
import { type ExpressWebhookOptions, ledgerlyWebhook } from '../src/index.js'
import { post } from './helpers/client.js'
import { EXPRESS_VERSIONS, listen, type RunningServer } from './helpers/servers.js'
import { clock, entryBody, NOW, SECRET, signedHeaders } from './helpers/signing.js'

const BODY = entryBody('entry-once')

/** A latch the handler waits on, so a test decides when the first delivery finishes. */
function latch() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { open, opened }
}

describe.each(EXPRESS_VERSIONS)('$name', ({ express }) => {
  let server: RunningServer | undefined
  afterEach(() => server?.close())

  /** `behaviour` decides what the handler does on each run (1-based); it counts runs per event id. */
  async function start(
    behaviour: (
      run: number,
      res: { sendStatus(code: number): void },
      next: (error?: unknown) => void,
    ) => unknown,
    idempotency: Partial<NonNullable<ExpressWebhookOptions['idempotency']>> = {},
  ) {
    const runs = new Map<string, number>()
    const app = express()
    const store = idempotency.store ?? memoryStore()
    app.post(
      '/webhooks',
      ledgerlyWebhook({ secret: SECRET, now: clock, idempotency: { store, ...idempotency } }),
      async (req, res, next) => {
        const id = req.ledgerly!.id
        const run = (runs.get(id) ?? 0) + 1
        runs.set(id, run)
        try {
          await behaviour(run, res, next)
        } catch (error) {
          next(error)
        }
      },
    )
    // Express's default error handler logs the stack; a quiet one keeps the test output readable.
    app.use((_error: unknown, _req: unknown, res: { sendStatus(code: number): void }, _next: unknown) =>
      res.sendStatus(500),
    )
    server = await listen(app)
    return { port: server.port, runs }
  }

  const deliver = (port: number, timestamp = NOW, body = BODY) =>
    post(port, { headers: signedHeaders(body, timestamp), body })

  it('the same request twice → handler once; the second gets 200 {"outcome":"duplicate"}', async () => {
    const { port, runs } = await start((_run, res) => res.sendStatus(204))
    expect((await deliver(port)).status).toBe(204)
    const second = await deliver(port)
    expect([second.status, second.json]).toEqual([200, { outcome: 'duplicate' }])
    expect(runs.get('entry-once')).toBe(1)
  })

  it('a legitimate retry (fresh t and signature) after success → 200 no-op', async () => {
    const { port, runs } = await start((_run, res) => res.sendStatus(204))
    await deliver(port, NOW - 30)
    expect((await deliver(port, NOW)).json).toEqual({ outcome: 'duplicate' })
    expect(runs.get('entry-once')).toBe(1)
  })

  it('changing the unsigned X-Ledgerly-Delivery header does not dodge dedupe', async () => {
    const { port, runs } = await start((_run, res) => res.sendStatus(204))
    await post(port, { headers: { ...signedHeaders(BODY), 'x-ledgerly-delivery': 'd-1' }, body: BODY })
    const second = await post(port, {
      headers: { ...signedHeaders(BODY), 'x-ledgerly-delivery': 'd-2' },
      body: BODY,
    })
    expect(second.json).toEqual({ outcome: 'duplicate' })
    expect(runs.get('entry-once')).toBe(1)
  })

  it.each<
    [
      string,
      (run: number, res: { sendStatus(code: number): void }, next: (error?: unknown) => void) => unknown,
    ]
  >([
    [
      'handler throws',
      (run, res) => {
        if (run === 1) throw new Error('database down')
        res.sendStatus(204)
      },
    ],
    [
      'handler calls next(error)',
      (run, res, next) => (run === 1 ? next(new Error('database down')) : res.sendStatus(204)),
    ],
    ['handler answers 503', (run, res) => res.sendStatus(run === 1 ? 503 : 204)],
  ])('%s on the first attempt → claim released → the retry is processed', async (_name, behaviour) => {
    const { port, runs } = await start(behaviour)
    expect((await deliver(port)).status).toBeGreaterThanOrEqual(500)
    expect((await deliver(port)).status).toBe(204)
    expect(runs.get('entry-once')).toBe(2)
    expect((await deliver(port)).json).toEqual({ outcome: 'duplicate' })
  })

  it('a delivery while the first is still running → 503 IN_PROGRESS with Retry-After = ceil(leaseMs / 1000)', async () => {
    const gate = latch()
    const { port, runs } = await start(
      async (_run, res) => {
        await gate.opened
        res.sendStatus(204)
      },
      { leaseMs: 30_500 },
    )
    const first = deliver(port)
    await expect.poll(() => runs.get('entry-once')).toBe(1)
    const second = await deliver(port)
    expect(second.status).toBe(503)
    expect(second.headers['retry-after']).toBe('31')
    expect(second.json?.code).toBe('IN_PROGRESS')
    gate.open()
    expect((await first).status).toBe(204)
  })

  it('a route that outlives its lease, then fails → the retry keeps its lease: a third delivery gets 503', async () => {
    let storeTime = 0
    const store = memoryStore({ now: () => storeTime })
    const first = latch()
    const second = latch()
    const { port, runs } = await start(
      async (run, res) => {
        if (run === 1) await first.opened
        if (run === 2) await second.opened
        res.sendStatus(run === 1 ? 500 : 204)
      },
      { store, leaseMs: 1_000 },
    )
    const firstAnswer = deliver(port, NOW - 20)
    await expect.poll(() => runs.get('entry-once')).toBe(1)
    storeTime = 2_000 // the first lease has expired: the sender's retry is processed
    const retryAnswer = deliver(port, NOW - 10)
    await expect.poll(() => runs.get('entry-once')).toBe(2)
    first.open()
    expect((await firstAnswer).status).toBe(500)
    // Let the first route's release reach the store before the third delivery claims.
    await new Promise((resolve) => setTimeout(resolve, 20))
    const third = await deliver(port)
    expect([third.status, third.json?.code]).toEqual([503, 'IN_PROGRESS'])
    expect(runs.get('entry-once')).toBe(2)
    second.open()
    expect((await retryAnswer).status).toBe(204)
  })

  it('20 concurrent deliveries of one event → the handler runs once; every answer is 204, 200 or 503', async () => {
    const gate = latch()
    const { port, runs } = await start(async (_run, res) => {
      await gate.opened
      res.sendStatus(204)
    })
    const answers = Array.from({ length: 20 }, (_, i) => deliver(port, NOW - i))
    await expect.poll(() => runs.get('entry-once')).toBe(1)
    gate.open()
    const statuses = (await Promise.all(answers)).map((answer) => answer.status)
    expect(statuses.filter((status) => status === 204)).toHaveLength(1)
    expect(statuses.every((status) => [200, 204, 503].includes(status))).toBe(true)
    expect(runs.get('entry-once')).toBe(1)
  })

  /** Starts a delivery, waits until the handler runs, and hangs up, as a sender whose timeout fired. */
  async function hangUpWhileHandling(port: number, runs: Map<string, number>): Promise<void> {
    const aborted = new AbortController()
    const first = fetch(`http://127.0.0.1:${port}/webhooks`, {
      method: 'POST',
      headers: signedHeaders(BODY),
      body: BODY,
      signal: aborted.signal,
    })
    await expect.poll(() => runs.get('entry-once')).toBe(1)
    aborted.abort()
    await expect(first).rejects.toThrow()
  }

  it('the client hangs up, then the handler answers 204 → done: the retry gets 200 duplicate, the handler ran once', async () => {
    const gate = latch()
    const { port, runs } = await start(
      async (run, res) => {
        if (run === 1) await gate.opened
        res.sendStatus(204)
      },
      { leaseMs: 3000 },
    )
    await hangUpWhileHandling(port, runs)
    // The first handler is still running: a retry now must not run it a second time.
    expect((await deliver(port)).status).toBe(503)
    gate.open()
    // Its 204 goes to a closed socket (Node emits no 'finish'), but the event was handled all the same.
    await expect.poll(async () => (await deliver(port)).json?.outcome).toBe('duplicate')
    expect(runs.get('entry-once')).toBe(1)
  })

  it('the client hangs up and the handler never answers → the lease is kept (503), then expires and the retry is processed', async () => {
    const never = latch()
    const { port, runs } = await start(
      async (run, res) => {
        if (run === 1) await never.opened
        res.sendStatus(204)
      },
      { leaseMs: 1500 },
    )
    await hangUpWhileHandling(port, runs)
    expect((await deliver(port)).status).toBe(503)
    await new Promise((resolve) => setTimeout(resolve, 1600))
    expect((await deliver(port)).status).toBe(204)
    expect(runs.get('entry-once')).toBe(2)
    never.open()
  })

  it('a store slow to complete → the answer is not held back; a redelivery meanwhile gets 503, then duplicate', async () => {
    const store = memoryStore()
    const slow: IdempotencyStore = {
      claim: (key, leaseMs, token) => store.claim(key, leaseMs, token),
      complete: async (key, ttlMs, token) => {
        await new Promise((resolve) => setTimeout(resolve, 300))
        await store.complete(key, ttlMs, token)
      },
      release: (key, token) => store.release(key, token),
    }
    const { port, runs } = await start((_run, res) => res.sendStatus(204), { store: slow })
    expect((await deliver(port)).status).toBe(204)
    const meanwhile = await deliver(port)
    expect([meanwhile.status, meanwhile.json?.code]).toEqual([503, 'IN_PROGRESS'])
    await expect.poll(async () => (await deliver(port)).json?.outcome).toBe('duplicate')
    expect(runs.get('entry-once')).toBe(1)
  })

  /**
   * An app whose handler works on the real `res`, with Express's recommended error handler (an answer
   * already sent is left alone), for the ways a handler can end its response.
   */
  async function startRaw(handler: (run: number, res: import('express').Response) => void) {
    const runs = { count: 0 }
    const app = express()
    app.post(
      '/webhooks',
      ledgerlyWebhook({ secret: SECRET, now: clock, idempotency: { store: memoryStore() } }),
      (_req, res) => handler(++runs.count, res),
    )
    app.use((_error: unknown, _req: unknown, res: import('express').Response, _next: unknown) => {
      if (res.headersSent) return
      res.status(500).json({ error: 'handler failed' })
    })
    server = await listen(app)
    return { port: server.port, runs }
  }

  it('res.end("first") then res.end() → the client gets "first", the event is done', async () => {
    const { port, runs } = await startRaw((_run, res) => {
      res.end('first')
      res.end()
    })
    const first = await deliver(port)
    expect([first.status, first.text]).toEqual([200, 'first'])
    await expect.poll(async () => (await deliver(port)).json?.outcome).toBe('duplicate')
    expect(runs.count).toBe(1)
  })

  it('res.json() then a throw → the 200 already sent stands (headersSent), the event is done', async () => {
    const { port, runs } = await startRaw((_run, res) => {
      res.json({ ok: true })
      throw new Error('after the answer')
    })
    const first = await deliver(port)
    expect([first.status, first.json]).toEqual([200, { ok: true }])
    await expect.poll(async () => (await deliver(port)).json?.outcome).toBe('duplicate')
    expect(runs.count).toBe(1)
  })

  it('res.end(<a number>) throws → Express answers 500, the claim is released: the retry runs the handler', async () => {
    const { port, runs } = await startRaw((run, res) => {
      if (run === 1) (res.end as (chunk: unknown) => void)(123)
      else res.sendStatus(204)
    })
    expect((await deliver(port)).status).toBe(500)
    await expect.poll(async () => (await deliver(port)).status).toBe(204)
    expect(runs.count).toBe(2)
  })

  it('different events are independent', async () => {
    const { port, runs } = await start((_run, res) => res.sendStatus(204))
    await deliver(port, NOW, entryBody('a'))
    await deliver(port, NOW, entryBody('b'))
    expect([runs.get('a'), runs.get('b')]).toEqual([1, 1])
  })

  it('a store whose claim fails → 500 INTERNAL_ERROR (the sender retries), handler not run', async () => {
    const broken: IdempotencyStore = {
      claim: () => Promise.reject(new Error('redis unreachable')),
      complete: () => Promise.resolve(),
      release: () => Promise.resolve(),
    }
    const { port, runs } = await start((_run, res) => res.sendStatus(204), { store: broken })
    const answer = await deliver(port)
    expect([answer.status, answer.json?.code]).toEqual([500, 'INTERNAL_ERROR'])
    expect(runs.size).toBe(0)
  })

  it('a store whose complete fails → reported to onStoreError, the answer stands, no unhandled rejection', async () => {
    const reported: string[] = []
    const store = memoryStore()
    const flaky: IdempotencyStore = {
      claim: (k, l, t) => store.claim(k, l, t),
      complete: () => Promise.reject(new Error('lost')),
      release: (k, t) => store.release(k, t),
    }
    const { port } = await start((_run, res) => res.sendStatus(204), {
      store: flaky,
      onStoreError: (_e, operation) => void reported.push(operation),
    })
    expect((await deliver(port)).status).toBe(204)
    await expect.poll(() => reported).toEqual(['complete'])
  })

  it('bad idempotency options → TypeError/RangeError when the middleware is built', () => {
    expect(() => ledgerlyWebhook({ secret: SECRET, idempotency: {} as never })).toThrow(TypeError)
    expect(() =>
      ledgerlyWebhook({ secret: SECRET, idempotency: { store: memoryStore(), leaseMs: -1 } }),
    ).toThrow(RangeError)
  })
})

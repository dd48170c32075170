import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSignedDispatcher } from '../src/index.js'
import { bullmqQueue } from '../src/queues/bullmq/index.js'
import { deliverySuite } from './helpers/delivery-suite.js'
import { startRedis } from './helpers/redis.js'
import { entryPayload, startServer, statuses } from './helpers/server.js'

// The same end-to-end suite as the memory queue, unchanged, with jobs in a real redis-server.
let redis: Awaited<ReturnType<typeof startRedis>>
beforeAll(async () => {
  redis = await startRedis()
})
afterAll(() => redis.stop())

let counter = 0
deliverySuite('bullmq', () =>
  bullmqQueue({ connection: redis.url, queueName: `suite-${process.pid}-${++counter}`, pollInterval: 10 }),
)

// And once more with first attempts gathered into batch jobs: the same assertions must hold.
deliverySuite('bullmq, batchSize 10', () =>
  bullmqQueue({
    connection: redis.url,
    queueName: `suite-batch-${process.pid}-${++counter}`,
    pollInterval: 10,
    batchSize: 10,
    batchWaitMs: 2,
  }),
)

describe('bullmq README example', () => {
  it('producer (work: false) + worker on the same queue → delivered; producer close leaves nothing pending', async () => {
    const server = await startServer(statuses(200))
    const queueName = `readme-${process.pid}`
    const producer = createSignedDispatcher({
      url: server.url,
      secret: 'readme-secret',
      queue: bullmqQueue({ connection: redis.url, queueName }),
      work: false,
    })
    const worker = createSignedDispatcher({
      url: server.url,
      secret: 'readme-secret',
      queue: bullmqQueue({ connection: redis.url, queueName, pollInterval: 10 }),
    })
    await producer.dispatch(entryPayload('entry_readme'), 'entry_persisted')
    await worker.drained()
    expect(server.received).toHaveLength(1)
    expect(await worker.queue.counts()).toEqual({ waiting: 0, delayed: 0, active: 0 })
    expect(await producer.close()).toEqual({ pending: [], interrupted: [] })
    await worker.close()
    await server.close()
  })

  it('close with a delayed retry → reported as pending and still in Redis for the next worker', async () => {
    const server = await startServer(statuses(503))
    const queueName = `pending-${process.pid}`
    const worker = createSignedDispatcher({
      url: server.url,
      secret: 'readme-secret',
      queue: bullmqQueue({ connection: redis.url, queueName }),
    })
    const retried = new Promise((resolve) => worker.on('retry', resolve))
    await worker.dispatch(entryPayload('entry_pending'), 'entry_persisted', { deliveryId: 'dlv_pending' })
    await retried
    const report = await worker.close()
    expect(report.pending.map((job) => job.id)).toEqual(['dlv_pending-2'])
    const inspector = bullmqQueue({ connection: redis.url, queueName })
    expect(await inspector.counts()).toMatchObject({ delayed: 1 })
    await inspector.close()
    await server.close()
  })
})

describe('bullmq queue after close()', () => {
  it('dispatch → rejects with "closed … build a new dispatcher"; drained() → resolves', async () => {
    const dispatcher = createSignedDispatcher({
      url: 'http://127.0.0.1:9/hooks',
      secret: 'closed-secret',
      queue: bullmqQueue({ connection: redis.url, queueName: `closed-${process.pid}` }),
      work: false,
    })
    await dispatcher.close({ timeoutMs: 2_000 })
    await expect(dispatcher.dispatch(entryPayload('entry_late'), 'entry_persisted')).rejects.toThrow(
      /closed; job .* was not queued \(build a new dispatcher\)/,
    )
    await expect(dispatcher.drained()).resolves.toBeUndefined()
  })
})

describe('bullmq: faults and close', () => {
  it('a job whose body has a lone surrogate (stored by another producer) → failure hook once, not re-run as a fault', async () => {
    const server = await startServer(statuses(200))
    const faults: string[] = []
    const queue = bullmqQueue({
      connection: redis.url,
      queueName: `foreign-${process.pid}`,
      pollInterval: 10,
      faultRetries: 1,
      onError: (_error, job) => void faults.push(job.id),
    })
    const dispatcher = createSignedDispatcher({ url: server.url, secret: 'foreign-secret', queue })
    const failures: string[] = []
    dispatcher.on('failure', ({ attempt }) => failures.push(attempt.error!.code))
    // What an older producer, which did not check strings, could have stored (JSON keeps the surrogate).
    await queue.enqueue({
      id: 'dlv_foreign-1',
      deliveryId: 'dlv_foreign',
      event: 'entry_persisted',
      endpoint: new URL(server.url).href,
      body: '{"id":"\uD800"}',
      attempt: 1,
      createdAt: Date.now(),
    })
    await dispatcher.drained()
    expect(failures).toEqual(['SIGNING_ERROR'])
    expect(faults).toEqual([])
    expect(dispatcher.log.get('dlv_foreign')!.state).toBe('failed')
    expect(server.received).toHaveLength(0)
    await dispatcher.close()
    await server.close()
  })

  it('drained() once close() has started → resolves after the running attempt finished, never rejects', async () => {
    const server = await startServer((_index, _request, response) => {
      setTimeout(() => response.writeHead(200).end(), 300)
    })
    const dispatcher = createSignedDispatcher({
      url: server.url,
      secret: 'drain-close-secret',
      queue: bullmqQueue({
        connection: redis.url,
        queueName: `drain-close-${process.pid}`,
        pollInterval: 10,
      }),
    })
    const id = await dispatcher.enqueue(entryPayload('entry_drain'), 'entry_persisted')
    await expect.poll(() => server.received.length).toBe(1)
    const closing = dispatcher.close({ timeoutMs: 5_000 })
    await expect(dispatcher.drained()).resolves.toBeUndefined()
    expect(dispatcher.log.get(id)!.state).toBe('delivered')
    expect(await closing).toEqual({ pending: [], interrupted: [] })
    await server.close()
  })
})

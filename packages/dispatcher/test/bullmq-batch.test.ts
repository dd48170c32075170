import { Queue } from 'bullmq'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createSignedDispatcher, type DeliveryQueue } from '../src/index.js'
import { bullmqQueue } from '../src/queues/bullmq/index.js'
import { startRedis } from './helpers/redis.js'
import { entryPayload, startServer, statuses } from './helpers/server.js'

let redis: Awaited<ReturnType<typeof startRedis>>
beforeAll(async () => {
  redis = await startRedis()
})
afterAll(() => redis.stop())

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

let counter = 0

/** One attempt as the dispatcher stores it, for tests that drive the queue directly. */
function job(id: string, attempt = 1) {
  return {
    id: `${id}-${attempt}`,
    deliveryId: id,
    event: 'entry_persisted',
    endpoint: 'http://127.0.0.1:1/hooks',
    body: '{}',
    attempt,
    createdAt: Date.now(),
  }
}
async function setup(options: { batchWaitMs?: number } = {}) {
  const server = await startServer(statuses(200))
  cleanups.push(server.close)
  const queueName = `batch-${process.pid}-${++counter}`
  const producer = createSignedDispatcher({
    url: server.url,
    secret: 'batch-secret',
    work: false,
    queue: bullmqQueue({ connection: redis.url, queueName, batchSize: 10, ...options }),
  })
  cleanups.push(() => producer.close())
  const inspector = new Queue(queueName, { connection: { host: '127.0.0.1', port: redis.port } })
  cleanups.push(() => inspector.close())
  function startWorker() {
    const worker = createSignedDispatcher({
      url: server.url,
      secret: 'batch-secret',
      queue: bullmqQueue({ connection: redis.url, queueName, batchSize: 10, pollInterval: 10 }),
    })
    cleanups.push(() => worker.close())
    return worker
  }
  return { server, producer, inspector, startWorker }
}

/**
 * Workers with a short lock (1 s) and stalled check, so a batch left by a forced close is re-run quickly;
 * `first` (concurrency 2) has dispatched one batch of 10 (`${prefix}0` … `${prefix}9`).
 */
async function closingBatch(url: string, queueName: string, prefix: string) {
  const worker = (concurrency: number) =>
    createSignedDispatcher({
      url,
      secret: 'batch-secret',
      timeout: 2,
      queue: bullmqQueue({
        connection: redis.url,
        queueName,
        concurrency,
        batchSize: 10,
        lockDuration: 1_000,
        stalledInterval: 300,
        pollInterval: 10,
      }),
    })
  const first = worker(2)
  await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      first.dispatch(entryPayload(`entry_${i}`), 'entry_persisted', { deliveryId: `${prefix}${i}` }),
    ),
  )
  return { worker, first }
}

describe('bullmqQueue with batchSize', () => {
  it('25 first attempts, batchSize 10 → 3 BullMQ jobs of 10, 10 and 5; all 25 delivered once', async () => {
    const { server, producer, inspector, startWorker } = await setup()
    await Promise.all(
      Array.from({ length: 25 }, (_, i) => producer.dispatch(entryPayload(`entry_${i}`), 'entry_persisted')),
    )
    const jobs = await inspector.getJobs(['waiting'])
    expect(jobs.map((job) => (job.data as { batch: unknown[] }).batch.length).sort()).toEqual([10, 10, 5])
    const worker = startWorker()
    await worker.drained()
    const ids = server.received.map((request) => request.headers['x-ledgerly-delivery'])
    expect(ids).toHaveLength(25)
    expect(new Set(ids).size).toBe(25)
  })

  it('the same delivery id dispatched twice, in two batches → sent once (the second is skipped)', async () => {
    const { server, producer, inspector, startWorker } = await setup()
    await producer.dispatch(entryPayload('entry_dup'), 'entry_persisted', { deliveryId: 'dlv_dup' })
    await producer.dispatch(entryPayload('entry_dup'), 'entry_persisted', { deliveryId: 'dlv_dup' })
    expect(await inspector.getJobCountByTypes('waiting')).toBe(2)
    const worker = startWorker()
    await worker.drained()
    expect(server.received.map((request) => request.headers['x-ledgerly-delivery'])).toEqual(['dlv_dup'])
  })

  it('the same delivery id twice in ONE batch → sent once', async () => {
    const { server, producer, startWorker } = await setup()
    await Promise.all([
      producer.dispatch(entryPayload('entry_twin'), 'entry_persisted', { deliveryId: 'dlv_twin' }),
      producer.dispatch(entryPayload('entry_twin'), 'entry_persisted', { deliveryId: 'dlv_twin' }),
    ])
    const worker = startWorker()
    await worker.drained()
    expect(server.received.map((request) => request.headers['x-ledgerly-delivery'])).toEqual(['dlv_twin'])
  })

  it('one attempt of a batch faults → only that attempt runs again (alone), not its batch-mates', async () => {
    const queueName = `batch-fault-${process.pid}`
    const queue = bullmqQueue({ connection: redis.url, queueName, batchSize: 10, pollInterval: 10 })
    cleanups.push(() => queue.close())
    const runs: string[] = []
    let faulted = false
    queue.process(
      async (job) => {
        runs.push(job.id)
        if (job.id === 'b-1' && !faulted) {
          faulted = true
          throw new Error('could not record the outcome')
        }
      },
      { jobTimeoutMs: 5_000 },
    )
    await Promise.all(['a', 'b', 'c'].map((id) => queue.enqueue(job(id))))
    await queue.drained()
    expect(runs.sort()).toEqual(['a-1', 'b-1', 'b-1', 'c-1'])
  })

  it('close({ timeoutMs }) running out mid-batch → returns at once, reports the batch, another worker delivers it', {
    timeout: 30_000,
  }, async () => {
    // The first two requests (the closing worker's) are held 1.5 s; later ones are answered at once.
    const server = await startServer(async (index, _request, response) => {
      if (index < 2) await new Promise((resolve) => setTimeout(resolve, 1_500))
      if (!response.destroyed) response.writeHead(200).end()
    })
    cleanups.push(server.close)
    const { worker, first } = await closingBatch(server.url, `batch-close-${process.pid}`, 'dlv_c')
    while (server.received.length < 2) await new Promise((resolve) => setTimeout(resolve, 20))
    const started = performance.now()
    const report = await first.close({ timeoutMs: 200 })
    expect(performance.now() - started).toBeLessThan(1_200)
    expect(report.interrupted.map((job) => job.deliveryId).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `dlv_c${i}`).sort(),
    )
    const second = worker(10)
    cleanups.push(() => second.close())
    await second.drained()
    const delivered = new Set(server.received.map((request) => request.headers['x-ledgerly-delivery']))
    expect(delivered.size).toBe(10)
  })

  it('close({ timeoutMs }) after 4 of a batch of 10 were delivered → all 10 reported (the re-run sends them all)', {
    timeout: 30_000,
  }, async () => {
    // Requests 0-3 are answered at once; the rest are held 1.5 s.
    const server = await startServer(async (index, _request, response) => {
      if (index >= 4) await new Promise((resolve) => setTimeout(resolve, 1_500))
      if (!response.destroyed) response.writeHead(200).end()
    })
    cleanups.push(server.close)
    const { worker, first } = await closingBatch(server.url, `batch-close-partial-${process.pid}`, 'dlv_p')
    while (server.received.length < 6) await new Promise((resolve) => setTimeout(resolve, 20))
    const report = await first.close({ timeoutMs: 200 })
    expect(report.interrupted.map((job) => job.deliveryId).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `dlv_p${i}`).sort(),
    )
    const second = worker(10)
    cleanups.push(() => second.close())
    await second.drained()
    // What the report announced: the four delivered before the close are sent again.
    const sent = server.received.map((request) => String(request.headers['x-ledgerly-delivery']))
    for (let i = 0; i < 4; i++) expect(sent.filter((id) => id === `dlv_p${i}`).length).toBe(2)
  })

  describe('how many attempts a worker takes at once (concurrency 20, then 5; batchSize 10)', () => {
    /** A handler that holds every attempt until release(), counting how many run at once. */
    function gate() {
      let running = 0
      let most = 0
      let open: () => void = () => {}
      let opened = new Promise<void>((resolve) => {
        open = resolve
      })
      return {
        get most() {
          return most
        },
        get running() {
          return running
        },
        /** Resolves once `count` attempts run at once (or after 5 s, for the assertions to say so). */
        async until(count: number) {
          const deadline = Date.now() + 5_000
          while (running < count && Date.now() < deadline)
            await new Promise((resolve) => setTimeout(resolve, 20))
        },
        release() {
          open()
          opened = Promise.resolve()
        },
        async handler() {
          running++
          most = Math.max(most, running)
          await opened
          running--
        },
      }
    }
    async function queueWith(concurrency: number) {
      const queueName = `batch-slots-${process.pid}-${++counter}`
      const queue = bullmqQueue({
        connection: redis.url,
        queueName,
        concurrency,
        batchSize: 10,
        pollInterval: 10,
      })
      cleanups.push(() => queue.close({ timeoutMs: 100 }))
      const inspector = new Queue(queueName, { connection: { host: '127.0.0.1', port: redis.port } })
      cleanups.push(() => inspector.close())
      return { queue, inspector }
    }

    it.each([
      [
        '20 retries (single jobs), enqueued at once',
        (queue: DeliveryQueue) =>
          Promise.all(Array.from({ length: 20 }, (_, i) => queue.enqueue(job(`r${i}`, 2)))),
      ],
      [
        '20 first attempts arriving one by one (batches of 1)',
        async (queue: DeliveryQueue) => {
          for (let i = 0; i < 20; i++) await queue.enqueue(job(`s${i}`))
        },
      ],
    ])('%s → all 20 run at once, as without batches', async (_label, enqueue) => {
      const { queue } = await queueWith(20)
      const g = gate()
      queue.process(g.handler, { jobTimeoutMs: 5_000 })
      await enqueue(queue)
      await g.until(20)
      g.release()
      await queue.drained()
      expect(g.most).toBe(20)
    })

    it('100 first attempts in 10 batches, concurrency 5 → 5 running, at most 5 batch jobs taken, the rest left in Redis', async () => {
      const { queue, inspector } = await queueWith(5)
      await Promise.all(Array.from({ length: 100 }, (_, i) => queue.enqueue(job(`b${i}`))))
      const g = gate()
      queue.process(g.handler, { jobTimeoutMs: 5_000 })
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect(g.running).toBe(5)
      expect(await inspector.getActiveCount()).toBeLessThanOrEqual(5)
      expect(await inspector.getWaitingCount()).toBeGreaterThanOrEqual(5)
      g.release()
      await queue.drained()
      expect(g.most).toBe(5)
    })
  })

  it('close() while first attempts are still gathering → they are stored, reported pending, dispatch resolves', async () => {
    const { producer, inspector } = await setup({ batchWaitMs: 60_000 })
    const dispatched = Promise.all(
      ['a', 'b', 'c'].map((id) =>
        producer.dispatch(entryPayload(`entry_${id}`), 'entry_persisted', { deliveryId: `dlv_${id}` }),
      ),
    )
    const report = await producer.close()
    await expect(dispatched).resolves.toBeDefined()
    expect(report.pending.map((job) => job.id).sort()).toEqual(['dlv_a-1', 'dlv_b-1', 'dlv_c-1'])
    expect(await inspector.getJobCountByTypes('waiting')).toBe(1)
  })

  it('a retry after a batched first attempt → its own delayed job, kept when completed; the batch job is removed', async () => {
    const server = await startServer(statuses(503, 200))
    cleanups.push(server.close)
    const queueName = `batch-retry-${process.pid}`
    const worker = createSignedDispatcher({
      url: server.url,
      secret: 'batch-secret',
      backoffScale: 0.01,
      queue: bullmqQueue({
        connection: redis.url,
        queueName,
        batchSize: 10,
        batchWaitMs: 2,
        pollInterval: 10,
      }),
    })
    cleanups.push(() => worker.close())
    const inspector = new Queue(queueName, { connection: { host: '127.0.0.1', port: redis.port } })
    cleanups.push(() => inspector.close())
    const retried = new Promise((resolve) => worker.on('retry', resolve))
    await worker.dispatch(entryPayload('entry_retry'), 'entry_persisted', { deliveryId: 'dlv_retry' })
    await retried
    const second = await inspector.getJob('dlv_retry-2')
    expect(second?.data).toMatchObject({ id: 'dlv_retry-2', attempt: 2 })
    expect(second?.data).not.toHaveProperty('batch')
    await worker.drained()
    expect(server.received.map((request) => request.headers['x-ledgerly-attempt'])).toEqual(['1', '2'])
    // The completed batch job is removed at once (its attempts live on as claim keys); the single retry job
    // is kept under removeOnComplete, as without batches.
    const completed = await inspector.getJobs(['completed'])
    expect(completed.map((job) => job.id)).toEqual(['dlv_retry-2'])
  })
})

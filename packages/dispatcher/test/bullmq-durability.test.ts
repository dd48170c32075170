import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createSignedDispatcher } from '../src/index.js'
import { bullmqQueue } from '../src/queues/bullmq/index.js'
import { startIdempotentReceiver } from './helpers/idempotent-receiver.js'
import { startRedis } from './helpers/redis.js'
import { entryPayload } from './helpers/server.js'
import { startWorker } from './helpers/worker-process.js'

const secret = 'durability-secret'
// Short locks and stalled checks so a dead worker's job comes back in ~3 s instead of ~60 s.
const WORKER_FLAGS = [
  '--timeout',
  '1',
  '--lock-duration',
  '1',
  '--stalled-interval',
  '300',
  '--backoff-scale',
  '0.01',
]
let redis: Awaited<ReturnType<typeof startRedis>>
beforeAll(async () => {
  redis = await startRedis()
})
afterAll(() => redis?.stop())

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

let queueCounter = 0
function producer(url: string, batchSize = 1) {
  const queueName = `durable-${process.pid}-${++queueCounter}`
  const dispatcher = createSignedDispatcher({
    url,
    secret,
    work: false,
    queue: bullmqQueue({ connection: redis.url, queueName, pollInterval: 50, batchSize }),
  })
  cleanups.push(() => dispatcher.close())
  return { dispatcher, queueName }
}

/** Flags of `ledgerly-webhooks worker` for one receiver and queue, plus the short locks above. */
function workerFlags(receiverUrl: string, queueName: string, extra: string[] = []): string[] {
  return [
    '--redis',
    redis.url,
    '--url',
    receiverUrl,
    '--secret',
    secret,
    '--queue',
    queueName,
    ...extra,
    ...WORKER_FLAGS,
  ]
}

async function until(condition: () => boolean, timeoutMs: number, what: () => string) {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('BullMQ durability (real redis-server, worker processes)', () => {
  // batchSize 10: the event travels in a batch job; the second worker re-runs that same job and must claim
  // the delivery again rather than skip it as a duplicate.
  it.each([1, 10])(
    'kill -9 of a worker while the receiver holds the response (batchSize %i) → another worker redelivers, handled once',
    {
      timeout: 40_000,
    },
    async (batchSize) => {
      let release: () => void = () => {}
      const held = new Promise<void>((resolve) => {
        release = resolve
      })
      let started: () => void = () => {}
      const firstArrived = new Promise<void>((resolve) => {
        started = resolve
      })
      const receiver = await startIdempotentReceiver(secret, async () => {
        started()
        await held
      })
      cleanups.push(receiver.close)
      const { dispatcher, queueName } = producer(receiver.url, batchSize)
      const flags = workerFlags(receiver.url, queueName)
      const first = await startWorker(flags)
      cleanups.push(first.stop)
      await dispatcher.dispatch(entryPayload('entry_killed'), 'entry_persisted')
      await firstArrived
      first.kill9()
      release() // the receiver finishes its work although the sender died: runOnce marks it done.
      const second = await startWorker(flags)
      cleanups.push(second.stop)
      await until(
        () => (receiver.deliveries.get('entry_killed') ?? 0) >= 2,
        30_000,
        () => 'no redelivery',
      )
      await dispatcher.drained()
      expect(receiver.handled.get('entry_killed')).toBe(1)
      expect(receiver.deliveries.get('entry_killed')).toBe(2)
    },
  )

  // batchSize 25: a kill hands back whole batches, and the next worker must redo exactly the attempts of
  // those batches, none of another's.
  it.each([1, 25])(
    '1,000 events (batchSize %i) through 3 workers killed at random moments → all delivered, each handled exactly once',
    {
      timeout: 90_000,
    },
    async (batchSize) => {
      // 30 ms of work per event and 5 attempts per worker: the run lasts seconds, so kills land mid-flight.
      const receiver = await startIdempotentReceiver(
        secret,
        () => new Promise((resolve) => setTimeout(resolve, 30)),
      )
      cleanups.push(receiver.close)
      const { dispatcher, queueName } = producer(receiver.url, batchSize)
      const ids = Array.from({ length: 1000 }, (_, i) => `entry_${i}`)
      // All at once, so batches fill (one at a time would store batches of one).
      await Promise.all(
        ids.map((id) =>
          dispatcher.dispatch(entryPayload(id), 'entry_persisted', { deliveryId: `dlv_${id}` }),
        ),
      )
      const flags = workerFlags(receiver.url, queueName, ['--concurrency', '5'])
      const workers = await Promise.all([startWorker(flags), startWorker(flags), startWorker(flags)])
      cleanups.push(() => Promise.all(workers.map((w) => w.stop())))

      let kills = 0
      while (kills < 3 || (receiver.handled.size < ids.length && kills < 8)) {
        await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 500))
        const victim = Math.floor(Math.random() * workers.length)
        workers[victim]!.kill9()
        kills++
        workers[victim] = await startWorker(flags)
      }
      await until(
        () => receiver.handled.size === ids.length,
        60_000,
        () => `${receiver.handled.size} of 1000 handled`,
      )
      await dispatcher.drained()
      expect(kills).toBeGreaterThan(0)
      const requests = [...receiver.deliveries.values()].reduce((sum, n) => sum + n, 0)
      console.info(
        `1,000 events, batchSize ${batchSize}: ${kills} worker kills, ${requests - ids.length} redeliveries, 0 double-handled`,
      )
      for (const id of ids) {
        expect(receiver.deliveries.get(id) ?? 0, id).toBeGreaterThanOrEqual(1)
        expect(receiver.handled.get(id), id).toBe(1)
      }
    },
  )

  it('Redis restarted mid-run → workers reconnect and finish, nothing lost', {
    timeout: 60_000,
  }, async () => {
    const receiver = await startIdempotentReceiver(
      secret,
      () => new Promise((resolve) => setTimeout(resolve, 10)),
    )
    cleanups.push(receiver.close)
    const { dispatcher, queueName } = producer(receiver.url)
    const ids = Array.from({ length: 300 }, (_, i) => `entry_r${i}`)
    for (const id of ids) await dispatcher.dispatch(entryPayload(id), 'entry_persisted')
    const flags = workerFlags(receiver.url, queueName, ['--concurrency', '5'])
    const workers = await Promise.all([startWorker(flags), startWorker(flags)])
    cleanups.push(() => Promise.all(workers.map((w) => w.stop())))
    await until(
      () => receiver.handled.size >= 30,
      20_000,
      () => `${receiver.handled.size} handled before restart`,
    )
    await redis.stop()
    const handledWhileDown = receiver.handled.size
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    redis = await startRedis({ port: redis.port, dir: redis.dir })
    await until(
      () => receiver.handled.size === ids.length,
      40_000,
      () => `${receiver.handled.size} of 300 handled`,
    )
    expect(handledWhileDown).toBeLessThan(ids.length)
    for (const id of ids) expect(receiver.handled.get(id), id).toBe(1)
  })
})

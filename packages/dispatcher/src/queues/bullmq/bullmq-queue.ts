import { type Job, type KeepJobs, Queue, Worker } from 'bullmq'
import type {
  CloseOptions,
  DeliveryHandler,
  DeliveryJob,
  DeliveryQueue,
  EnqueueOptions,
  ProcessOptions,
  QueueCloseReport,
  QueueCounts,
} from '../contract.js'
import { connectionOptions, type RedisConnection } from './connection.js'

/** Options of {@link bullmqQueue}. */
export interface BullmqQueueOptions {
  /** Redis: a `redis://` URL, ioredis options, or an ioredis client. */
  connection: RedisConnection
  /** BullMQ queue name. Default `'ledgerly-webhooks'` (the seed's queue). One queue per endpoint. */
  queueName?: string
  /** BullMQ key prefix. Default `'bull'`. */
  prefix?: string
  /** Attempts running at once in this worker process. Default 100. */
  concurrency?: number
  /**
   * Job lock, milliseconds: how long a dead worker's job stays locked before another worker may take it
   * (a live worker renews its locks). Raised to at least the dispatcher's `jobTimeoutMs` (HTTP timeout +
   * 1 s) + 1 s, so a slow but live attempt is never handed to a second worker. Default 30 000.
   */
  lockDuration?: number
  /** How often workers look for stalled jobs (a worker that died holding a lock), ms. Default 30 000. */
  stalledInterval?: number
  /** Times a job may stall (its worker died) and still be retried. Default 10. */
  maxStalledCount?: number
  /** Re-runs of a job whose handler faulted (not HTTP failures: those are the dispatcher's). Default 5. */
  faultRetries?: number
  /** Completed jobs kept (their ids keep later re-enqueues no-ops). Default `{ age: 86400, count: 100000 }`. */
  removeOnComplete?: KeepJobs | boolean | number
  /** Failed (faulted) jobs kept for inspection. Default `{ age: 604800 }`. */
  removeOnFail?: KeepJobs | boolean | number
  /** How often `drained()` polls the counts, ms. Default 100. */
  pollInterval?: number
  /** Most jobs listed in `close()`'s `pending` report. Default 1000. */
  maxReported?: number
  /** Called when a handler faults. Default: ignore (BullMQ re-runs the job). */
  onError?: (error: unknown, job: DeliveryJob) => void
}

function positive(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`bullmqQueue: "${name}" must be an integer >= 1, got ${String(value)}`)
  }
  return value
}

function isDeliveryJob(data: unknown): data is DeliveryJob {
  const job = data as DeliveryJob
  return (
    typeof job === 'object' &&
    job !== null &&
    typeof job.id === 'string' &&
    typeof job.deliveryId === 'string' &&
    typeof job.event === 'string' &&
    typeof job.endpoint === 'string' &&
    typeof job.body === 'string' &&
    Number.isInteger(job.attempt)
  )
}

/**
 * A durable queue on Redis through BullMQ, implementing the dispatcher's queue contract. Producers and
 * workers may live in different processes and machines: a producer builds its dispatcher with
 * `work: false`, workers with the default. Jobs survive crashes; a worker killed mid-attempt loses its
 * lock and another worker runs the attempt again (at-least-once).
 *
 * @example
 * ```ts
 * import { createSignedDispatcher } from '@ledgerly/webhooks-dispatcher'
 * import { bullmqQueue } from '@ledgerly/webhooks-dispatcher/bullmq'
 *
 * const queue = bullmqQueue({ connection: 'redis://127.0.0.1:6379', concurrency: 200 })
 * const dispatcher = createSignedDispatcher({ url, secret, queue })
 * ```
 */
export function bullmqQueue(options: BullmqQueueOptions): DeliveryQueue {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('bullmqQueue: options { connection } are required')
  const queueName = options.queueName ?? 'ledgerly-webhooks'
  if (typeof queueName !== 'string' || !/^[A-Za-z0-9_.-]{1,100}$/.test(queueName)) {
    throw new TypeError('bullmqQueue: "queueName" must be 1 to 100 letters, digits, "_", "-" or "."')
  }
  const concurrency = positive(options.concurrency, 100, 'concurrency')
  const stalledInterval = positive(options.stalledInterval, 30_000, 'stalledInterval')
  const maxStalledCount = positive(options.maxStalledCount, 10, 'maxStalledCount')
  const faultRetries = positive(options.faultRetries, 5, 'faultRetries')
  const pollInterval = positive(options.pollInterval, 100, 'pollInterval')
  const maxReported = positive(options.maxReported, 1000, 'maxReported')
  const lockOption =
    options.lockDuration === undefined ? undefined : positive(options.lockDuration, 0, 'lockDuration')
  const prefix = options.prefix === undefined ? {} : { prefix: options.prefix }
  const onError = options.onError ?? (() => {})

  const queue = new Queue(queueName, { connection: connectionOptions(options.connection, false), ...prefix })
  // Without a listener, an 'error' (Redis down) would be an unhandled EventEmitter error; ioredis reconnects.
  queue.on('error', () => {})
  const jobOptions = {
    attempts: faultRetries + 1,
    backoff: { type: 'exponential', delay: 1_000 },
    removeOnComplete: options.removeOnComplete ?? { age: 86_400, count: 100_000 },
    removeOnFail: options.removeOnFail ?? { age: 604_800 },
  }
  let worker: Worker | undefined
  const active = new Map<string, DeliveryJob>()

  async function counts(): Promise<QueueCounts> {
    const c = await queue.getJobCounts('waiting', 'delayed', 'active', 'prioritized', 'paused')
    return {
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.paused ?? 0),
      delayed: c.delayed ?? 0,
      active: c.active ?? 0,
    }
  }

  return {
    name: queueName,

    async enqueue(job: DeliveryJob, enqueueOptions: EnqueueOptions = {}) {
      // jobId makes the add idempotent: BullMQ ignores an id it already holds (until retention removes it).
      await queue.add(job.event, job, {
        ...jobOptions,
        jobId: job.id,
        delay: Math.max(0, enqueueOptions.delayMs ?? 0),
      })
    },

    process(handler: DeliveryHandler, processOptions: ProcessOptions) {
      if (worker) throw new Error('bullmqQueue: process() was already called; one handler per queue')
      const lockDuration = Math.max(lockOption ?? 30_000, processOptions.jobTimeoutMs + 1_000)
      worker = new Worker(
        queueName,
        async function runDeliveryJob(job: Job) {
          if (!isDeliveryJob(job.data)) throw new Error(`bullmqQueue: job ${job.id} is not a delivery job`)
          const data = job.data
          active.set(data.id, data)
          try {
            await handler(data)
          } catch (error) {
            onError(error, data)
            throw error
          } finally {
            active.delete(data.id)
          }
        },
        {
          connection: connectionOptions(options.connection, true),
          ...prefix,
          concurrency,
          lockDuration,
          stalledInterval,
          maxStalledCount,
        },
      )
      worker.on('error', () => {})
    },

    async drained() {
      for (;;) {
        const c = await counts()
        if (c.waiting + c.delayed + c.active === 0) return
        await new Promise((resolve) => setTimeout(resolve, pollInterval))
      }
    },

    counts,

    async close(closeOptions: CloseOptions = {}): Promise<QueueCloseReport> {
      let interrupted: DeliveryJob[] = []
      if (worker) {
        const timeoutMs = closeOptions.timeoutMs ?? 30_000
        let timer: NodeJS.Timeout | undefined
        const finished = await Promise.race([
          worker.close().then(() => true),
          new Promise<false>((resolve) => {
            timer = setTimeout(() => resolve(false), timeoutMs)
          }),
        ])
        clearTimeout(timer)
        if (!finished) {
          interrupted = [...active.values()]
          await worker.close(true)
        }
      }
      const left = await queue.getJobs(['waiting', 'delayed', 'prioritized', 'paused'], 0, maxReported - 1)
      await queue.close()
      return { pending: left.map((job) => job.data as DeliveryJob).filter(isDeliveryJob), interrupted }
    },
  }
}

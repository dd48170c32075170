import { type Job, type KeepJobs, Queue, Worker } from 'bullmq'
import { closeWaitMs } from '../../options.js'
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
import { reportJobError } from '../report-job-error.js'
import { connectionOptions, type RedisConnection } from './connection.js'

/** Options of {@link bullmqQueue}. */
export interface BullmqQueueOptions {
  /** Redis: a `redis://` URL, ioredis options, or an ioredis client. */
  connection: RedisConnection
  /** BullMQ queue name. Default `'ledgerly-webhooks'` (Ledgerly's queue name). One queue per endpoint. */
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
  /**
   * Completed jobs kept (their ids keep later re-enqueues no-ops). Default `{ age: 86400, count: 100000 }`.
   * Batch jobs are removed once completed whatever this says: claim keys remember their attempts.
   */
  removeOnComplete?: KeepJobs | boolean | number
  /** Failed (faulted) jobs kept for inspection. Default `{ age: 604800 }`. */
  removeOnFail?: KeepJobs | boolean | number
  /** How often `drained()` polls the counts, ms. Default 100. */
  pollInterval?: number
  /** Most jobs listed in `close()`'s `pending` report. Default 1000. */
  maxReported?: number
  /** Called when a handler faults. Default: ignore (BullMQ re-runs the job). May be `async`; a throw or a
   * rejection of its own is ignored (it never takes the process down). */
  onError?: (error: unknown, job: DeliveryJob) => unknown
  /**
   * First attempts stored per BullMQ job. Default 1: one job per attempt. Above 1, a producer gathers up to
   * `batchSize` first attempts (for at most `batchWaitMs`) into ONE job, so Redis and BullMQ do their
   * per-job work once per batch; retries stay one job each. See the README's "Batches" section for what
   * changes: a worker that dies mid-batch re-sends the whole batch (receivers dedupe by delivery id, as
   * they must anyway), and a first attempt enqueued twice is recognised for `dedupeSeconds`, not for as
   * long as BullMQ keeps its job.
   */
  batchSize?: number
  /** Longest a first attempt waits for its batch to fill before the batch is stored, ms. Default 5. */
  batchWaitMs?: number
  /**
   * How long a batched first attempt's id is remembered, so a second enqueue of it is skipped, in seconds.
   * Each id is one small Redis key (about 180 bytes with its expiry, measured on Redis 7.0) for that long.
   * Default 600.
   */
  dedupeSeconds?: number
}

/** The one ioredis method the claim needs. */
interface RedisEval {
  eval(script: string, keyCount: number, ...args: (string | number)[]): Promise<unknown>
}

/** The data of a BullMQ job that carries several first attempts. */
interface BatchData {
  batch: DeliveryJob[]
}

/**
 * Claims each delivery of a batch for this batch job, atomically: a key per attempt id holds the id of
 * the first batch job that carried it. A re-run of that same job (its worker died) claims them again; a
 * different job carrying an attempt already claimed (a duplicate enqueue) skips it, and so does a second copy
 * of an attempt inside one batch.
 */
const CLAIM_SCRIPT = `
local claimed = {}
local seen = {}
for i, key in ipairs(KEYS) do
  claimed[i] = 0
  if not seen[key] then
    seen[key] = true
    local owner = redis.call('GET', key)
    if not owner then
      redis.call('SET', key, ARGV[1], 'EX', ARGV[2])
      claimed[i] = 1
    elseif owner == ARGV[1] then
      claimed[i] = 1
    end
  end
end
return claimed
`

/** At most `limit` deliveries running at once in this worker, whatever the jobs they came in. */
function createSlots(limit: number) {
  let free = limit
  // A FIFO with a moving head: a burst can leave thousands of attempts waiting, and Array#shift on a long
  // array moves every element.
  let waiting: (() => void)[] = []
  let head = 0
  return {
    async take(): Promise<void> {
      if (free > 0) {
        free--
        return
      }
      await new Promise<void>((resolve) => waiting.push(resolve))
    },
    give(): void {
      if (head < waiting.length) {
        const next = waiting[head++]!
        if (head > 1024 && head * 2 > waiting.length) {
          waiting = waiting.slice(head)
          head = 0
        }
        next()
      } else free++
    },
  }
}

function positive(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`bullmqQueue: "${name}" must be an integer >= 1, got ${String(value)}`)
  }
  return value
}

/** Longest delay a JavaScript timer honours; above it, Node fires the timer after 1 ms instead. */
const MAX_TIMER_MS = 2 ** 31 - 1

/** A duration that ends up in a timer: an integer from 1 ms to about 24.8 days. */
function timerMs(value: unknown, fallback: number, name: string): number {
  const ms = positive(value, fallback, name)
  if (ms > MAX_TIMER_MS) {
    throw new RangeError(
      `bullmqQueue: "${name}" must be at most ${MAX_TIMER_MS} ms (about 24.8 days), got ${ms}: a longer timer fires at once`,
    )
  }
  return ms
}

function isBatchData(data: unknown): data is BatchData {
  const batch = (data as BatchData | null)?.batch
  return Array.isArray(batch) && batch.length > 0 && batch.every(isDeliveryJob)
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

const TIMED_OUT: unique symbol = Symbol('timed out')

/**
 * Cuts a BullMQ queue's or worker's ioredis clients at once: pending commands are rejected and no
 * reconnection is attempted. For a close() that Redis being unreachable would otherwise hold forever.
 */
async function forceDisconnect(owner: { client: Promise<unknown> }): Promise<void> {
  // BullMQ keeps each ioredis client on its connection object from the start; its `client` promise only
  // resolves once Redis answered. A client that never reached Redis (unreachable from the start) must be
  // cut too, or its reconnection timer keeps the process alive after close().
  type Connection = { _client?: unknown; client?: Promise<unknown> } | undefined
  const connections = [
    (owner as { connection?: Connection }).connection,
    (owner as { blockingConnection?: Connection }).blockingConnection,
  ]
  const clients: unknown[] = []
  for (const connection of connections) {
    if (connection?._client !== undefined) clients.push(connection._client)
    else if (connection?.client) clients.push(await within(connection.client, 1_000))
  }
  if (clients.length === 0) clients.push(await within(owner.client, 1_000))
  for (const client of clients) {
    if (client !== TIMED_OUT) (client as { disconnect?: () => void } | undefined)?.disconnect?.()
  }
}

/**
 * BullMQ's close() removes every listener of its Redis connections, and a connection still starting up then
 * emits its failure as an 'error' event nobody listens to, which kills the process (a worker stopped right
 * after it started, with Redis unreachable). After close, such an error has no one to tell: drop it.
 */
function guardConnectionErrors(owner: object): void {
  for (const name of ['connection', 'blockingConnection']) {
    const connection = (owner as Record<string, unknown>)[name] as
      | {
          emit: (event: string | symbol, ...args: unknown[]) => boolean
          listenerCount(event: string): number
        }
      | undefined
    if (connection === undefined || typeof connection.emit !== 'function') continue
    const emit = connection.emit
    connection.emit = function emitUnlessOrphanedError(event, ...args) {
      if (event === 'error' && connection.listenerCount('error') === 0) return false
      return emit.call(connection, event, ...args)
    }
  }
}

/** `promise`, or TIMED_OUT after `ms` (or if it rejects: either way the answer is unknown). */
function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  return new Promise<T | typeof TIMED_OUT>((resolve) => {
    const timer = setTimeout(() => resolve(TIMED_OUT), ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      () => {
        clearTimeout(timer)
        resolve(TIMED_OUT)
      },
    )
  })
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
  const stalledInterval = timerMs(options.stalledInterval, 30_000, 'stalledInterval')
  const maxStalledCount = positive(options.maxStalledCount, 10, 'maxStalledCount')
  const faultRetries = positive(options.faultRetries, 5, 'faultRetries')
  const pollInterval = timerMs(options.pollInterval, 100, 'pollInterval')
  const maxReported = positive(options.maxReported, 1000, 'maxReported')
  const lockOption =
    options.lockDuration === undefined ? undefined : timerMs(options.lockDuration, 0, 'lockDuration')
  const prefix = options.prefix === undefined ? {} : { prefix: options.prefix }
  const onError = options.onError ?? (() => {})
  const batchSize = positive(options.batchSize, 1, 'batchSize')
  const batchWaitMs = timerMs(options.batchWaitMs, 5, 'batchWaitMs')
  const dedupeSeconds = positive(options.dedupeSeconds, 600, 'dedupeSeconds')
  const keyPrefix = `${options.prefix ?? 'bull'}:${queueName}:ledgerly-claim:`

  const queue = new Queue(queueName, { connection: connectionOptions(options.connection, false), ...prefix })
  // Without a listener, an 'error' (Redis down) would be an unhandled EventEmitter error; ioredis reconnects.
  queue.on('error', () => {})
  guardConnectionErrors(queue)
  const jobOptions = {
    attempts: faultRetries + 1,
    backoff: { type: 'exponential', delay: 1_000 },
    removeOnComplete: options.removeOnComplete ?? { age: 86_400, count: 100_000 },
    removeOnFail: options.removeOnFail ?? { age: 604_800 },
  }
  let worker: Worker | undefined
  // The first close() under way: a drained() waiting meanwhile ends with it (see drained()).
  let closing: Promise<QueueCloseReport> | undefined
  let stopping = false
  // Set once close() has stored every follow-up and is letting go of Redis: nothing can be stored after it.
  let closed = false
  const active = new Map<string, DeliveryJob>()
  // The attempts each running batch job claimed: if the job is left unfinished, all of them run again
  // (the re-run claims them anew, delivered ones included), so a forced close reports all of them.
  const runningBatches = new Map<string, DeliveryJob[]>()
  function inRunningBatch(id: string): boolean {
    for (const batch of runningBatches.values()) if (batch.some((job) => job.id === id)) return true
    return false
  }

  // First attempts waiting to be stored as one batch job, each with its caller's promise.
  let gathering: { job: DeliveryJob; resolve: () => void; reject: (error: unknown) => void }[] = []
  let gatherTimer: NodeJS.Timeout | undefined
  const flushing = new Set<Promise<void>>()

  function addToBatch(job: DeliveryJob): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      gathering.push({ job, resolve, reject })
      if (gathering.length >= batchSize) flushBatch()
      else gatherTimer ??= setTimeout(flushBatch, batchWaitMs)
    })
  }

  function flushBatch(): void {
    clearTimeout(gatherTimer)
    gatherTimer = undefined
    const entries = gathering
    gathering = []
    if (entries.length === 0) return
    const data: BatchData = { batch: entries.map((entry) => entry.job) }
    // Removed once completed: the claim keys remember its attempts, and keeping 100 KB batch jobs under the
    // retention meant for 1 KB single jobs (100,000 of them by default) would hold gigabytes in Redis.
    const stored = queue.add('batch', data, { ...jobOptions, removeOnComplete: true }).then(
      () => {
        for (const entry of entries) entry.resolve()
      },
      (error: unknown) => {
        for (const entry of entries) entry.reject(error)
      },
    )
    flushing.add(stored)
    void stored.finally(() => flushing.delete(stored))
  }

  /** Stores whatever is gathering and waits until every batch under way is stored (or refused). */
  async function flushAll(): Promise<void> {
    flushBatch()
    await Promise.allSettled([...flushing])
  }

  /** Stores one attempt as its own job. Its id makes the add idempotent: BullMQ ignores an id it holds. */
  function addSingle(job: DeliveryJob, delay = 0): Promise<void> {
    return queue.add(job.event, job, { ...jobOptions, jobId: job.id, delay }).then(() => {})
  }

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

    enqueue(job: DeliveryJob, enqueueOptions: EnqueueOptions = {}) {
      if (closed) {
        return Promise.reject(
          new Error(`bullmqQueue: closed; job ${job.id} was not queued (build a new dispatcher)`),
        )
      }
      const delay = Math.max(0, enqueueOptions.delayMs ?? 0)
      if (batchSize > 1 && delay === 0 && job.attempt === 1) return addToBatch(job)
      return addSingle(job, delay)
    },

    process(handler: DeliveryHandler, processOptions: ProcessOptions) {
      if (worker) throw new Error('bullmqQueue: process() was already called; one handler per queue')
      const lockDuration = Math.min(
        MAX_TIMER_MS,
        Math.max(lockOption ?? 30_000, processOptions.jobTimeoutMs + 1_000),
      )
      const slots = createSlots(concurrency)
      const claim = async (owner: string, deliveries: DeliveryJob[]): Promise<DeliveryJob[]> => {
        // BullMQ's connection is an ioredis client; its type in BullMQ does not list `eval`.
        const client = (await queue.client) as unknown as RedisEval
        const keys = deliveries.map((delivery) => keyPrefix + delivery.id)
        const claimed = (await client.eval(
          CLAIM_SCRIPT,
          keys.length,
          ...keys,
          owner,
          dedupeSeconds,
        )) as number[]
        return deliveries.filter((_delivery, index) => claimed[index] === 1)
      }
      // Listed in `active` from the moment this worker owns it (waiting for a slot included), so a forced
      // close reports every attempt it leaves unfinished.
      async function runOne(data: DeliveryJob): Promise<void> {
        active.set(data.id, data)
        await slots.take()
        try {
          // After a forced close, attempts still waiting for a slot are not started: their job stays in
          // Redis, and another worker runs it once its lock expires.
          if (stopping) return
          await handler(data)
        } catch (error) {
          reportJobError(onError, error, data)
          throw error
        } finally {
          active.delete(data.id)
          slots.give()
        }
      }
      async function runDeliveryJob(job: Job): Promise<void> {
        if (isDeliveryJob(job.data)) return runOne(job.data)
        if (!isBatchData(job.data)) throw new Error(`bullmqQueue: job ${job.id} is not a delivery job`)
        const mine = await claim(String(job.id), job.data.batch)
        runningBatches.set(String(job.id), mine)
        let results: PromiseSettledResult<void>[]
        try {
          results = await Promise.allSettled(mine.map(runOne))
        } finally {
          runningBatches.delete(String(job.id))
        }
        // A fault (not a failed delivery: the handler could not record its outcome, e.g. Redis refused the
        // follow-up job) re-runs only the attempts that faulted, each as its own job, as without batches.
        // Only if Redis refuses those too does the whole batch run again.
        const faulted = mine.filter((_delivery, index) => results[index]!.status === 'rejected')
        await Promise.all(faulted.map((delivery) => addSingle(delivery)))
      }
      worker = new Worker(queueName, runDeliveryJob, {
        connection: connectionOptions(options.connection, true),
        ...prefix,
        // Jobs at once, so single retries run as freely as without batches; the slots above keep
        // deliveries to `concurrency` whatever mix of batches and retries the worker holds. On a backlog of
        // batches a worker may so take up to `concurrency` batch jobs at once (BullMQ fetches them before
        // it starts any); see the README for sharing a small backlog between workers.
        concurrency,
        lockDuration,
        stalledInterval,
        maxStalledCount,
      })
      worker.on('error', () => {})
      guardConnectionErrors(worker)
    },

    async drained() {
      if (closed) return // as a closed memory queue: nothing here will run any more
      await flushAll()
      for (;;) {
        // Once close() has begun, what waits in Redis is left for the next worker: drained means this
        // worker's running attempts settled, or close() gave up on them; either way, close() has returned.
        if (closing) return void (await closing.catch(() => undefined))
        const c = await counts().catch((error: unknown) => {
          if (closing) return undefined // close() let go of Redis meanwhile
          throw error
        })
        if (c === undefined) continue
        if (c.waiting + c.delayed + c.active === 0) return
        await new Promise((resolve) => setTimeout(resolve, pollInterval))
      }
    },

    counts,

    close(closeOptions: CloseOptions = {}): Promise<QueueCloseReport> {
      const run = closeOnce(closeOptions)
      closing ??= run
      return run
    },
  }

  async function closeOnce(closeOptions: CloseOptions): Promise<QueueCloseReport> {
    const timeoutMs = closeWaitMs(closeOptions.timeoutMs, 30_000)
    // Every step that talks to Redis shares one deadline: with Redis unreachable, BullMQ's commands wait
    // for a reconnection forever, and a worker told to stop must still stop, about when it was told to.
    const deadline = Date.now() + timeoutMs
    const askMs = () => Math.max(deadline - Date.now(), 1_000)
    // First attempts accepted but still gathering are stored before anything closes.
    await within(flushAll(), askMs())
    let interrupted: DeliveryJob[] = []
    if (worker) {
      let timer: NodeJS.Timeout | undefined
      // pause() stops taking jobs and resolves when the running ones are done; close(true) after it does
      // not wait (a first close() would have, and BullMQ hands a later close(true) the same promise).
      const finished = await Promise.race([
        worker.pause().then(() => true),
        new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), Math.max(deadline - Date.now(), 0))
        }),
      ])
      clearTimeout(timer)
      if (!finished) {
        stopping = true
        // Every attempt of a batch left unfinished runs again; single attempts are listed as they run.
        const unfinished = new Map([...active].filter(([id]) => !inRunningBatch(id)))
        for (const batch of runningBatches.values()) for (const job of batch) unfinished.set(job.id, job)
        interrupted = [...unfinished.values()]
      }
      if ((await within(worker.close(!finished), askMs())) === TIMED_OUT) await forceDisconnect(worker)
    }
    const left = await within(
      queue.getJobs(['waiting', 'delayed', 'prioritized', 'paused'], 0, maxReported - 1),
      askMs(),
    )
    closed = true
    // A command still waiting for Redis holds BullMQ's close() (and its disconnect()) back: then the
    // client is cut directly, so no reconnection timer keeps the process alive after close().
    if (left === TIMED_OUT || (await within(queue.close(), askMs())) === TIMED_OUT)
      await forceDisconnect(queue)
    if (left === TIMED_OUT) return { pending: [], interrupted, pendingUnknown: true }
    const pending = left
      .flatMap((job) => (isBatchData(job.data) ? job.data.batch : isDeliveryJob(job.data) ? [job.data] : []))
      .slice(0, maxReported)
    return { pending, interrupted }
  }
}

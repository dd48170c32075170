import { closeWaitMs, MAX_TIMER_MS } from '../options.js'
import type {
  CloseOptions,
  DeliveryHandler,
  DeliveryJob,
  DeliveryQueue,
  EnqueueOptions,
  QueueCloseReport,
  QueueCounts,
} from './contract.js'
import { reportJobError } from './report-job-error.js'

/** Options of {@link memoryQueue}. */
export interface MemoryQueueOptions {
  /** Jobs running at once (deliveries in flight). Default 100. */
  concurrency?: number
  /** How long `close()` lets running jobs finish, in milliseconds. Default 30 000. */
  closeTimeoutMs?: number
  /** Called when a handler rejects (an unexpected fault, never a failed delivery). Default: ignore. May be
   * `async`; a throw or a rejection of its own is ignored (it never takes the process down). */
  onError?: (error: unknown, job: DeliveryJob) => unknown
}

function positiveInteger(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`memoryQueue: "${name}" must be an integer >= 1, got ${String(value)}`)
  }
  return value
}

/**
 * The embedded queue: jobs live in this process's memory, delayed jobs on timers, at most `concurrency`
 * running at once. Nothing survives a crash (use a Redis-backed driver for that); `close()` says what
 * was still pending so you can log or persist it. A first attempt of a delivery it still holds (waiting,
 * delayed for a retry, or running) is skipped; once the delivery is over its id is forgotten.
 *
 * @example
 * ```ts
 * import { createSignedDispatcher, memoryQueue } from '@ledgerly/webhooks-dispatcher'
 *
 * const queue = memoryQueue({ concurrency: 200 })
 * const dispatcher = createSignedDispatcher({ url, secret, queue })
 * process.on('SIGTERM', async () => {
 *   const { pending, interrupted } = await dispatcher.close({ timeoutMs: 10_000 })
 *   console.log(`${pending.length} pending, ${interrupted.length} interrupted`)
 * })
 * ```
 */
export function memoryQueue(options: MemoryQueueOptions = {}): DeliveryQueue {
  const concurrency = positiveInteger(options.concurrency, 100, 'concurrency')
  const defaultCloseTimeout = positiveInteger(options.closeTimeoutMs, 30_000, 'closeTimeoutMs')
  const onError = options.onError ?? (() => {})

  const ready: (DeliveryJob | undefined)[] = []
  let head = 0
  const delayed = new Map<string, { job: DeliveryJob; timer: NodeJS.Timeout | undefined }>()
  const active = new Map<string, DeliveryJob>()
  const enqueuedAfterClose: DeliveryJob[] = []
  let handler: DeliveryHandler | undefined
  let closed = false
  // Set once close() has built its report: from then on nothing could ever report a job, so enqueue refuses.
  let reported = false
  let closing: Promise<QueueCloseReport> | undefined
  let idleWaiters: (() => void)[] = []
  let activeSettled: (() => void) | undefined

  const readyIds = new Set<string>()
  const holds = (id: string) => readyIds.has(id) || delayed.has(id) || active.has(id)
  const isIdle = () => head >= ready.length && delayed.size === 0 && active.size === 0
  // Jobs held per delivery id, whatever their state (ready, delayed, running): a first attempt of a delivery
  // that is still under way (its retry waiting, say) is a duplicate dispatch, skipped like a repeated job id.
  const deliveries = new Map<string, number>()
  const holdsDelivery = (job: DeliveryJob) => job.attempt === 1 && deliveries.has(job.deliveryId)

  function hold(job: DeliveryJob) {
    deliveries.set(job.deliveryId, (deliveries.get(job.deliveryId) ?? 0) + 1)
  }

  function release(job: DeliveryJob) {
    const left = (deliveries.get(job.deliveryId) ?? 1) - 1
    if (left > 0) deliveries.set(job.deliveryId, left)
    else deliveries.delete(job.deliveryId)
  }

  // Once close() has begun nothing waits or is delayed any more (those jobs are in its report), so idle means
  // the running jobs settled; and once it has reported, the ones it gave up on will never be awaited.
  function notifyIdle() {
    if (!isIdle() && !reported) return
    const waiters = idleWaiters
    idleWaiters = []
    for (const resolve of waiters) resolve()
  }

  function jobSettled(job: DeliveryJob) {
    active.delete(job.id)
    release(job)
    if (active.size === 0) activeSettled?.()
    pump()
  }

  function run(job: DeliveryJob) {
    active.set(job.id, job)
    // One `then` rather than `catch` + `finally`: two fewer promises per job, which adds up at thousands
    // of jobs per second.
    handler!(job).then(
      () => jobSettled(job),
      (error: unknown) => {
        reportJobError(onError, error, job)
        jobSettled(job)
      },
    )
  }

  function pump() {
    while (handler && !closed && active.size < concurrency && head < ready.length) {
      const job = ready[head]!
      ready[head++] = undefined
      readyIds.delete(job.id)
      run(job)
    }
    // Compact the ready list now and then so a long-lived queue does not grow without bound.
    if (head > 1024 && head * 2 > ready.length) {
      ready.splice(0, head)
      head = 0
    }
    notifyIdle()
  }

  return {
    name: 'memory',

    async enqueue(job: DeliveryJob, enqueueOptions: EnqueueOptions = {}) {
      if (reported) {
        throw new Error(`memoryQueue: closed; job ${job.id} was not queued (build a new dispatcher)`)
      }
      if (closed) {
        // Closing: reported as pending by close() (follow-up attempts of jobs still finishing land here).
        enqueuedAfterClose.push(job)
        return
      }
      // Ids are deterministic, so a second enqueue of the same attempt is a no-op; so is a second dispatch of
      // a delivery still under way.
      if (holds(job.id) || holdsDelivery(job)) return
      hold(job)
      const delayMs = Math.max(0, enqueueOptions.delayMs ?? 0)
      if (delayMs === 0) {
        readyIds.add(job.id)
        ready.push(job)
        pump()
        return
      }
      const entry = { job, timer: undefined as NodeJS.Timeout | undefined }
      // A Node timer longer than 2^31 - 1 ms fires after 1 ms: a long delay waits in steps of at most that.
      function wait(remainingMs: number) {
        entry.timer = setTimeout(
          remainingMs > MAX_TIMER_MS ? () => wait(remainingMs - MAX_TIMER_MS) : delayElapsed,
          Math.min(remainingMs, MAX_TIMER_MS),
        )
      }
      function delayElapsed() {
        delayed.delete(job.id)
        readyIds.add(job.id)
        ready.push(job)
        pump()
      }
      wait(delayMs)
      delayed.set(job.id, entry)
    },

    process(jobHandler: DeliveryHandler) {
      if (handler) throw new Error('memoryQueue: process() was already called; one handler per queue')
      handler = jobHandler
      pump()
    },

    drained() {
      if (isIdle() || reported) return Promise.resolve()
      return new Promise<void>((resolve) => idleWaiters.push(resolve))
    },

    async counts(): Promise<QueueCounts> {
      return { waiting: ready.length - head, delayed: delayed.size, active: active.size }
    },

    close(closeOptions: CloseOptions = {}): Promise<QueueCloseReport> {
      // Idempotent: a second call gets the first one's report (and cannot steal its wait for running jobs).
      closing ??= closeOnce(closeWaitMs(closeOptions.timeoutMs, defaultCloseTimeout))
      return closing
    },
  }

  async function closeOnce(timeoutMs: number): Promise<QueueCloseReport> {
    closed = true
    const pending: DeliveryJob[] = ready.slice(head).filter((job): job is DeliveryJob => job !== undefined)
    ready.length = 0
    head = 0
    readyIds.clear()
    for (const { job, timer } of delayed.values()) {
      clearTimeout(timer)
      pending.push(job)
    }
    delayed.clear()
    for (const job of pending) release(job)
    notifyIdle()
    if (active.size > 0) {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        new Promise<void>((resolve) => {
          activeSettled = resolve
        }),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs)
        }),
      ])
      clearTimeout(timer)
    }
    // Follow-up attempts scheduled by jobs that finished during the close are pending too.
    pending.push(...enqueuedAfterClose.splice(0))
    reported = true
    notifyIdle()
    return { pending, interrupted: [...active.values()] }
  }
}

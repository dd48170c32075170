import { createAttemptDeadlines } from './attempt-deadlines.js'
import { attemptSigner, dispatcherSigner, unsignedAttempt } from './attempt-signer.js'
import { newDeliveryId } from './delivery-id.js'
import { createDeliveryLog, type DeliveryLog } from './delivery-log.js'
import { createHooks, type DispatcherEventName, type DispatcherListener } from './hooks.js'
import { postOnce } from './http-attempt.js'
import { type ResolvedOptions, resolveOptions, type SignedDispatcherOptions } from './options.js'
import { OriginPool } from './origin-pool.js'
import { bodyText, deliveryIdOption, eventOption } from './payload.js'
import type { CloseOptions, DeliveryJob, DeliveryQueue, QueueCloseReport } from './queues/contract.js'
import { memoryQueue } from './queues/memory-queue.js'
import { classifyStatus, retryAfterSeconds, retryDelayMs } from './retry.js'
import type { AttemptRecord, WebhookDispatcher, WebhookPayload } from './types.js'

const USER_AGENT = 'ledgerly-webhooks-dispatcher/0'

/** Options of one `enqueue`/`dispatch` call. */
export interface DispatchOptions {
  /** Use this delivery id instead of a random one (letters, digits, `_`, `-`, `.`; at most 128). */
  deliveryId?: string
}

/** The HTTP dispatcher: signs every attempt, POSTs it, retries on schedule through a queue. */
export interface SignedWebhookDispatcher extends WebhookDispatcher {
  /** Enqueues the first attempt. Resolves when the queue holds it (not when it is delivered). */
  dispatch(payload: WebhookPayload, event: string, options?: DispatchOptions): Promise<void>
  /** Same as `dispatch`, resolving to the delivery id. */
  enqueue(payload: WebhookPayload, event: string, options?: DispatchOptions): Promise<string>
  /** Subscribes to `attempt`, `success`, `retry` or `failure`; returns an unsubscribe function. */
  on<Name extends DispatcherEventName>(name: Name, listener: DispatcherListener<Name>): () => void
  /** Every delivery and attempt (bounded by `logLimit`). */
  readonly log: DeliveryLog
  /** The queue in use. */
  readonly queue: DeliveryQueue
  /** Runs one job; what a worker of any queue calls. Exposed for custom workers. */
  handleJob(job: DeliveryJob): Promise<void>
  /**
   * Resolves when the queue has nothing waiting, delayed or running. Rejects with the queue's error if its
   * `process()` returned a promise that rejected (a custom queue whose worker could not start).
   */
  drained(): Promise<void>
  /** Graceful shutdown: stops the queue, lets running attempts finish, reports what was left. */
  close(options?: CloseOptions): Promise<QueueCloseReport>
}

/**
 * Builds Ledgerly's default `SignedWebhookDispatcher`: HTTP POST over a keep-alive pool per origin, the
 * Ledgerly headers (see the README), a fresh signature on every attempt, and Ledgerly's retry schedule.
 *
 * @example
 * ```ts
 * import { createSignedDispatcher } from '@ledgerly/webhooks-dispatcher'
 *
 * const dispatcher = createSignedDispatcher({ url: 'https://example.com/webhooks', secret: process.env.LEDGERLY_WEBHOOK_SECRET! })
 * dispatcher.on('failure', ({ delivery, attempt }) => console.error(delivery.deliveryId, attempt.error?.code))
 * await dispatcher.dispatch({ event: 'entry_persisted', data: entry }, 'entry_persisted')
 * ```
 */
export function createSignedDispatcher(options: SignedDispatcherOptions): SignedWebhookDispatcher {
  const resolved: ResolvedOptions = resolveOptions(options)
  const signAttempt = attemptSigner(dispatcherSigner(options), resolved.now)
  const ownsAgent = options.agent === undefined
  const agent =
    options.agent ??
    new OriginPool(resolved.url.origin, {
      keepAliveTimeout: 30_000,
      ...(resolved.connections === undefined ? {} : { connections: resolved.connections }),
    })
  const queue = options.queue ?? memoryQueue()
  const log = createDeliveryLog(resolved.logLimit)
  const hooks = createHooks()
  const endpoint = resolved.url.href
  const origin = resolved.url.origin
  const path = resolved.url.pathname + resolved.url.search
  const deadlines = createAttemptDeadlines(resolved.timeoutMs)
  // The user's extra headers (names lowercased; none can be a Ledgerly one), a user-agent unless they set
  // their own, then the content type.
  const fixedHeaders: string[] = [
    ...Object.entries(resolved.headers).flat(),
    ...('user-agent' in resolved.headers ? [] : ['user-agent', USER_AGENT]),
    'content-type',
    'application/json',
  ]

  /** Set once close() has reported attempts as interrupted: whatever they return afterwards is dropped. */
  let cutOff = false

  async function handleJob(job: DeliveryJob): Promise<void> {
    if (job.endpoint !== endpoint) {
      throw new Error(`dispatcher: job ${job.id} is for another endpoint; give each endpoint its own queue`)
    }
    const delivery = log.open(job.deliveryId, job.event, job.endpoint, job.attempt === 1)
    if (hooks.has('attempt')) hooks.emit('attempt', { delivery, attempt: job.attempt })
    const { signedAt, headers: signature, fault } = signAttempt(job.body)
    if (fault !== undefined) {
      // Nothing was sent, and a re-run would fail the same way: a permanent failure, reported like any other.
      const record = unsignedAttempt(job.attempt, fault)
      log.add(delivery, record)
      hooks.emit('failure', { delivery, attempt: record })
      return
    }
    // A flat name/value list in a fixed order: undici takes it as is, with no object to build per attempt.
    const headers = [
      ...fixedHeaders,
      'x-ledgerly-signature',
      signature['x-ledgerly-signature']!,
      'x-ledgerly-timestamp',
      signature['x-ledgerly-timestamp']!,
      'x-ledgerly-event',
      job.event,
      'x-ledgerly-delivery',
      job.deliveryId,
      'x-ledgerly-attempt',
      String(job.attempt),
    ]
    const startedAt = Date.now()
    const started = performance.now()
    const result = await postOnce({
      agent,
      origin,
      path,
      headers,
      body: job.body,
      timeoutMs: resolved.timeoutMs,
      maxResponseBytes: resolved.maxResponseBytes,
      deadlines,
    })
    // close() already reported this attempt as interrupted: its outcome is not recorded, no hook fires and
    // no retry is queued, so the report stays true for whoever re-sends interrupted deliveries.
    if (cutOff) return
    const record: AttemptRecord = {
      attempt: job.attempt,
      startedAt,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      signedAt,
      outcome: 'delivered',
    }
    if (result.status !== undefined) record.status = result.status
    if (result.excerpt !== undefined) record.responseExcerpt = result.excerpt

    let retryable = true
    if (result.error) {
      record.error = result.error
    } else {
      const verdict = classifyStatus(result.status!, resolved.retryStatuses)
      if (!verdict.ok) {
        record.error = { code: verdict.code, message: `HTTP ${result.status}` }
        retryable = verdict.retryable
      }
    }
    if (!record.error) {
      log.add(delivery, record)
      hooks.emit('success', { delivery, attempt: record })
      return
    }

    const policy = resolved.retry.get(job.event) ?? resolved.defaultRetry
    if (!retryable || job.attempt >= policy.tries) {
      record.outcome = 'failed'
      log.add(delivery, record)
      hooks.emit('failure', { delivery, attempt: record })
      return
    }
    // At least 1 ms, so that the next attempt never starts inside this one (a memory queue runs a job of
    // delay 0 from within enqueue): this attempt's record and 'retry' event come first.
    const delayMs = Math.max(
      1,
      retryDelayMs({
        policy,
        retry: job.attempt,
        // Real time, not the `now` option: the wait runs on real timers.
        retryAfter: retryAfterSeconds(result.retryAfter, Date.now()),
        maxRetryAfter: resolved.maxRetryAfter,
        jitter: resolved.jitter,
        scale: resolved.backoffScale,
        random: resolved.random,
      }),
    )
    const next = job.attempt + 1
    // Enqueue before recording: if the queue refuses, this handler rejects and a durable queue re-runs it.
    await queue.enqueue({ ...job, id: `${job.deliveryId}-${next}`, attempt: next }, { delayMs })
    record.outcome = 'retry'
    record.retryInMs = delayMs
    log.add(delivery, record)
    hooks.emit('retry', { delivery, attempt: record })
  }

  async function enqueue(payload: WebhookPayload, event: string, dispatchOptions: DispatchOptions = {}) {
    const name = eventOption(event)
    const body = bodyText(payload)
    const deliveryId = deliveryIdOption(dispatchOptions.deliveryId) ?? newDeliveryId()
    const job: DeliveryJob = {
      id: `${deliveryId}-1`,
      deliveryId,
      event: name,
      endpoint,
      body,
      attempt: 1,
      createdAt: Date.now(),
    }
    await queue.enqueue(job, { delayMs: 0 })
    return deliveryId
  }

  // Signing takes microseconds; the HTTP timeout dominates. The margin covers bookkeeping and enqueueing.
  const processing =
    options.work === false
      ? undefined
      : watchProcess(queue.process(handleJob, { jobTimeoutMs: resolved.timeoutMs + 1_000 }), queue.name)

  let closing: ReturnType<SignedWebhookDispatcher['close']> | undefined
  return {
    async dispatch(payload, event, dispatchOptions) {
      await enqueue(payload, event, dispatchOptions)
    },
    enqueue,
    on: hooks.on,
    log,
    queue,
    handleJob,
    drained: () => (processing ? processing.drained(queue) : queue.drained()),
    close(closeOptions) {
      // Idempotent: a second close() gets the first one's report instead of closing the agent again.
      closing ??= (async function closeOnce() {
        const report = await queue.close(closeOptions)
        cutOff = report.interrupted.length > 0
        if (ownsAgent) await (cutOff ? agent.destroy() : agent.close())
        return report
      })()
      return closing
    },
  }
}

/**
 * A custom queue's `process()` may be `async` and reject (its worker could not start, say). Unobserved, that
 * rejection would end a Node process. It is kept instead: a process warning says no job will run, and
 * `drained()` rejects with the queue's error rather than waiting for a worker that never ran. Each waiting
 * `drained()` is forgotten once it settles (a race against a promise that never settles would keep every
 * caller's reactions alive).
 */
function watchProcess(started: void | Promise<void>, queueName: string) {
  if (typeof (started as PromiseLike<void> | undefined)?.then !== 'function') return undefined
  let failure: { error: unknown } | undefined
  const waiting = new Set<(error: unknown) => void>()
  Promise.resolve(started).then(undefined, function processFailed(error: unknown) {
    failure = { error }
    const reason = error instanceof Error ? error.message : String(error)
    process.emitWarning(`queue "${queueName}": process() failed (${reason}); no delivery will be attempted`, {
      code: 'LEDGERLY_QUEUE_NOT_PROCESSING',
    })
    for (const reject of waiting) reject(error)
    waiting.clear()
  })
  return {
    drained(queue: DeliveryQueue): Promise<void> {
      if (failure) return Promise.reject(failure.error)
      return new Promise<void>(function waitForQueue(resolve, reject) {
        waiting.add(reject)
        queue.drained().then(
          function queueDrained() {
            waiting.delete(reject)
            resolve()
          },
          function queueFailed(error: unknown) {
            waiting.delete(reject)
            reject(error)
          },
        )
      })
    },
  }
}

/**
 * The queue contract. The dispatcher owns the retry schedule; a queue only stores jobs, delays them and
 * runs them. Each job is ONE attempt: after a retryable failure the dispatcher enqueues the next attempt
 * as a new delayed job. So a Redis/BullMQ driver implements these few methods and never needs to know
 * about HTTP, signatures or backoff.
 */

/** One attempt of one delivery, as stored by a queue. Plain JSON: safe to serialise anywhere. */
export interface DeliveryJob {
  /**
   * Deterministic job id, `${deliveryId}-${attempt}` (no `:`, which some engines reserve). Enqueueing a
   * job whose id the queue already holds must be a no-op, so a re-run handler never doubles an attempt.
   */
  id: string
  /** Stable across attempts; sent as `X-Ledgerly-Delivery`. */
  deliveryId: string
  /** Event name, sent as `X-Ledgerly-Event` and used to pick the retry policy. */
  event: string
  /** The URL this delivery goes to (informational for the queue; the dispatcher checks it). */
  endpoint: string
  /** The exact body, identical for every attempt. Never re-serialised. */
  body: string
  /** 1-based attempt number this job performs. */
  attempt: number
  /** Epoch milliseconds when the delivery was first dispatched. */
  createdAt: number
}

/** Options of {@link DeliveryQueue.enqueue}. */
export interface EnqueueOptions {
  /** Run the job no earlier than this many milliseconds from now. Default 0. */
  delayMs?: number
}

/**
 * Runs one job. Resolves when the attempt is finished and recorded (including enqueueing the next attempt
 * after a retryable failure). Rejects only on an unexpected fault (for example the queue refused the
 * follow-up job); a durable queue should then run the job again later.
 */
export type DeliveryHandler = (job: DeliveryJob) => Promise<void>

/** Options the dispatcher passes to {@link DeliveryQueue.process}. */
export interface ProcessOptions {
  /**
   * The longest one job can take (the HTTP timeout plus signing and bookkeeping). A durable queue must
   * keep its job lock longer than this, or a slow but live attempt would be redelivered.
   */
  jobTimeoutMs: number
}

/** What was left when a queue closed. */
export interface QueueCloseReport {
  /** Jobs waiting or delayed that never started; a durable queue keeps them for the next worker. */
  pending: DeliveryJob[]
  /** Jobs still running when the close timeout ran out. */
  interrupted: DeliveryJob[]
  /**
   * Set when the store could not be asked what was left (Redis unreachable within the timeout): `pending`
   * is then empty because it is unknown, not because nothing is left.
   */
  pendingUnknown?: true
}

/** Options of {@link DeliveryQueue.close}. */
export interface CloseOptions {
  /** How long to let running jobs finish, in milliseconds. Default: the queue's own default. */
  timeoutMs?: number
}

/** Live counts, for progress and monitoring. */
export interface QueueCounts {
  waiting: number
  delayed: number
  active: number
}

/**
 * A queue driver. `memoryQueue()` is the embedded default; a Redis-backed driver implements the same
 * interface (see the README's "Queue contract" section).
 *
 * @example
 * ```ts
 * import type { DeliveryQueue } from '@ledgerly/webhooks-dispatcher'
 * import { createSignedDispatcher, memoryQueue } from '@ledgerly/webhooks-dispatcher'
 *
 * const queue: DeliveryQueue = memoryQueue({ concurrency: 50 })
 * const dispatcher = createSignedDispatcher({ url: 'https://example.com/hooks', secret: 's3cret', queue })
 * ```
 */
export interface DeliveryQueue {
  /** A label for logs (`'memory'`, or the Redis queue name). */
  readonly name: string
  /**
   * Stores a job, delayed by `delayMs`. A job id the queue already holds is ignored. A first attempt
   * (`attempt: 1`) of a delivery the queue still holds in another attempt (a retry waiting) should be ignored
   * too: it is the same delivery dispatched again, and running it would send attempt 1 twice. `memoryQueue`
   * does. The BullMQ driver dedupes by job id: without batches it ignores such a job only while it still
   * keeps the first attempt's job (`removeOnComplete`); with `batchSize > 1` a claim key per first attempt,
   * kept for `dedupeSeconds`, does it.
   */
  enqueue(job: DeliveryJob, options?: EnqueueOptions): Promise<void>
  /**
   * Starts running jobs with `handler`, at most the queue's concurrency at a time. Call once. It may be
   * `async`: if its promise rejects (the worker could not start), the dispatcher's `drained()` rejects with
   * that error; the rejection never goes unhandled.
   */
  process(handler: DeliveryHandler, options: ProcessOptions): void | Promise<void>
  /**
   * Resolves when nothing is waiting, delayed or running (as far as this queue can see). Once `close()` has
   * begun, what waits is the close's business (reported, or left in the store): `drained()` then resolves
   * when the running jobs have settled, or when `close()` gives up on them; it never hangs past the close.
   */
  drained(): Promise<void>
  /** Live counts. */
  counts(): Promise<QueueCounts>
  /** Stops taking jobs, lets running ones finish (bounded), and reports what was left. */
  close(options?: CloseOptions): Promise<QueueCloseReport>
}

import type { AttemptRecord, DeliveryRecord } from './types.js'

/** Read access to the dispatcher's record of deliveries and their attempts. */
export interface DeliveryLog {
  /** One delivery with every attempt so far, or undefined when unknown or already evicted. */
  get(deliveryId: string): DeliveryRecord | undefined
  /**
   * Every delivery kept: the finished ones (delivered or failed), least recently finished first, then those
   * still pending, least recently active first.
   */
  all(): DeliveryRecord[]
}

/** The writable log the dispatcher keeps; bounded so a long-running sender does not grow without end. */
export interface WritableDeliveryLog extends DeliveryLog {
  /**
   * The record of `deliveryId`, made when new. `firstAttempt`: the delivery is being sent anew (attempt 1),
   * so a finished record of the same id is replaced by a fresh `pending` one.
   */
  open(deliveryId: string, event: string, endpoint: string, firstAttempt?: boolean): DeliveryRecord
  add(record: DeliveryRecord, attempt: AttemptRecord): void
}

/**
 * Keeps at most `limit` deliveries. At the bound a finished delivery goes first (the one finished
 * longest ago), and a pending one only when every kept delivery is pending (the one idle longest): a
 * delivery waiting for its retry keeps its history while newer ones finish. Two Maps in insertion order,
 * and a delivery moves to the newest end of its Map whenever it is opened or an attempt is recorded.
 */
export function createDeliveryLog(limit: number): WritableDeliveryLog {
  const pending = new Map<string, DeliveryRecord>()
  const finished = new Map<string, DeliveryRecord>()
  const evictPending = oldestEvictor(pending)
  const evictFinished = oldestEvictor(finished)

  function evictOne(): void {
    if (finished.size > 0) evictFinished()
    else evictPending()
  }

  /** Moves a kept record to the newest end of the Map its state belongs to. */
  function touch(record: DeliveryRecord): void {
    const id = record.deliveryId
    if (pending.get(id) !== record && finished.get(id) !== record) return // evicted: not kept any more
    pending.delete(id)
    finished.delete(id)
    ;(record.state === 'pending' ? pending : finished).set(id, record)
  }

  return {
    get: (deliveryId) => pending.get(deliveryId) ?? finished.get(deliveryId),
    all: () => [...finished.values(), ...pending.values()],
    open(deliveryId, event, endpoint, firstAttempt = false) {
      const existing = pending.get(deliveryId) ?? finished.get(deliveryId)
      if (existing && !(firstAttempt && existing.state !== 'pending')) {
        touch(existing)
        return existing
      }
      // A finished delivery dispatched again with the same id is a new delivery: a fresh record.
      if (existing) finished.delete(deliveryId)
      const record: DeliveryRecord = { deliveryId, event, endpoint, state: 'pending', attempts: [] }
      if (limit === 0) return record
      pending.set(deliveryId, record)
      if (pending.size + finished.size > limit) evictOne()
      return record
    },
    add(record, attempt) {
      record.attempts.push(attempt)
      if (attempt.outcome === 'delivered') record.state = 'delivered'
      else if (attempt.outcome === 'failed') record.state = 'failed'
      touch(record)
    },
  }
}

/**
 * Deletes the oldest key of `map` through ONE long-lived iterator. Every key before the iterator's position
 * has been deleted (evicted here, or moved to the newest end by `touch`), so its next live key is the oldest.
 * Asking a fresh `map.keys()` each time would make V8 step over every deleted slot at the front again, which
 * costs O(limit) per eviction at a large `logLimit`.
 */
function oldestEvictor(map: Map<string, DeliveryRecord>): () => void {
  let cursor = map.keys()
  return function evictOldest(): void {
    let next = cursor.next()
    if (next.done) {
      // A finished iterator never sees later insertions; start a fresh one.
      cursor = map.keys()
      next = cursor.next()
    }
    if (!next.done) map.delete(next.value)
  }
}

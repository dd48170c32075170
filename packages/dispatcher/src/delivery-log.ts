import type { AttemptRecord, DeliveryRecord } from './types.js'

/** Read access to the dispatcher's record of deliveries and their attempts. */
export interface DeliveryLog {
  /** One delivery with every attempt so far, or undefined when unknown or already evicted. */
  get(deliveryId: string): DeliveryRecord | undefined
  /** Every delivery kept, oldest first. */
  all(): DeliveryRecord[]
}

/** The writable log the dispatcher keeps; bounded so a long-running sender does not grow without end. */
export interface WritableDeliveryLog extends DeliveryLog {
  open(deliveryId: string, event: string, endpoint: string): DeliveryRecord
  add(record: DeliveryRecord, attempt: AttemptRecord): void
}

/**
 * Keeps the `limit` most recently active deliveries: a Map iterates in insertion order, and a delivery moves
 * to the end whenever an attempt is recorded, so the one evicted is the one idle longest (a finished one
 * before one whose retry is still due).
 */
export function createDeliveryLog(limit: number): WritableDeliveryLog {
  const records = new Map<string, DeliveryRecord>()
  return {
    get: (deliveryId) => records.get(deliveryId),
    all: () => [...records.values()],
    open(deliveryId, event, endpoint) {
      const existing = records.get(deliveryId)
      if (existing) return existing
      const record: DeliveryRecord = { deliveryId, event, endpoint, state: 'pending', attempts: [] }
      if (limit === 0) return record
      records.set(deliveryId, record)
      if (records.size > limit) records.delete(records.keys().next().value!)
      return record
    },
    add(record, attempt) {
      // Move it to the newest end, if it is still kept.
      if (records.get(record.deliveryId) === record) {
        records.delete(record.deliveryId)
        records.set(record.deliveryId, record)
      }
      record.attempts.push(attempt)
      if (attempt.outcome === 'delivered') record.state = 'delivered'
      else if (attempt.outcome === 'failed') record.state = 'failed'
    },
  }
}

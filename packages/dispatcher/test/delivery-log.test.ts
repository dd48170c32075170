import { describe, expect, it } from 'vitest'
import { createDeliveryLog } from '../src/delivery-log.js'
import type { AttemptRecord } from '../src/types.js'

function attempt(n: number, outcome: AttemptRecord['outcome']): AttemptRecord {
  return { attempt: n, startedAt: 0, durationMs: 1, signedAt: 0, outcome }
}

describe('createDeliveryLog(limit)', () => {
  it('limit 3, a b c pending, a records a retry, d opened → b evicted (idle longest), a kept with its attempt', () => {
    const log = createDeliveryLog(3)
    const a = log.open('a', 'e', 'u')
    log.open('b', 'e', 'u')
    log.open('c', 'e', 'u')
    log.add(a, attempt(1, 'retry'))
    log.open('d', 'e', 'u')
    expect(log.all().map((record) => record.deliveryId)).toEqual(['c', 'a', 'd'])
    expect(log.get('a')!.attempts.map((x) => x.outcome)).toEqual(['retry'])
    expect(log.get('b')).toBeUndefined()
  })

  it('limit 2, a waits for its retry, b is delivered, c opened → b evicted (finished), not a', () => {
    const log = createDeliveryLog(2)
    const a = log.open('a', 'e', 'u')
    log.add(a, attempt(1, 'retry'))
    log.add(log.open('b', 'e', 'u'), attempt(1, 'delivered'))
    log.open('c', 'e', 'u')
    expect(log.get('b')).toBeUndefined()
    expect(log.get('a')!.attempts).toHaveLength(1)
    expect(log.all().map((record) => `${record.deliveryId} ${record.state}`)).toEqual([
      'a pending',
      'c pending',
    ])
  })

  it('a delivery retried while newer ones finish → still there with every attempt when it is delivered', () => {
    const log = createDeliveryLog(2)
    const slow = log.open('slow', 'e', 'u')
    log.add(slow, attempt(1, 'retry'))
    for (const id of ['x', 'y']) {
      log.add(log.open(id, 'e', 'u'), attempt(1, 'delivered'))
      log.add(slow, attempt(slow.attempts.length + 1, 'retry'))
    }
    log.add(slow, attempt(4, 'delivered'))
    expect(log.get('slow')!.attempts.map((x) => x.attempt)).toEqual([1, 2, 3, 4])
    expect(log.get('slow')!.state).toBe('delivered')
  })

  it('limit 0 → nothing kept, records still usable by the caller', () => {
    const log = createDeliveryLog(0)
    const record = log.open('a', 'e', 'u')
    log.add(record, attempt(1, 'delivered'))
    expect(record.state).toBe('delivered')
    expect(log.all()).toEqual([])
  })
})

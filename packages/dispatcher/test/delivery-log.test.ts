import fc from 'fast-check'
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

/** The documented rule, written the slow obvious way: at the bound evict the finished delivery finished longest ago, else the pending one idle longest. */
function referenceLog(limit: number) {
  const order: { id: string; state: 'pending' | 'finished'; seq: number }[] = []
  let seq = 0
  return {
    open(id: string) {
      const kept = order.find((x) => x.id === id)
      if (kept) {
        kept.seq = ++seq
        return
      }
      if (limit === 0) return
      order.push({ id, state: 'pending', seq: ++seq })
      if (order.length > limit) {
        const finished = order.filter((x) => x.state === 'finished')
        const from = finished.length > 0 ? finished : order
        const oldest = from.reduce((a, b) => (a.seq < b.seq ? a : b))
        order.splice(order.indexOf(oldest), 1)
      }
    },
    add(id: string, outcome: AttemptRecord['outcome']) {
      const kept = order.find((x) => x.id === id)
      if (!kept) return
      if (outcome !== 'retry') kept.state = 'finished'
      kept.seq = ++seq
    },
    ids() {
      const by = (state: string) =>
        order
          .filter((x) => x.state === state)
          .sort((a, b) => a.seq - b.seq)
          .map((x) => x.id)
      return [...by('finished'), ...by('pending')]
    },
  }
}

describe('createDeliveryLog against the documented rule', () => {
  it('any sequence of opens and attempts, limits 1–6 → the same deliveries kept, in the same order, as the reference', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('open' as const), id: fc.integer({ min: 0, max: 12 }) }),
      fc.record({
        kind: fc.constant('add' as const),
        id: fc.integer({ min: 0, max: 12 }),
        outcome: fc.constantFrom<AttemptRecord['outcome']>('retry', 'delivered', 'failed'),
      }),
    )
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(op, { maxLength: 200 }), (limit, ops) => {
        const log = createDeliveryLog(limit)
        const model = referenceLog(limit)
        const opened = new Map<string, ReturnType<typeof log.open>>()
        let n = 0
        for (const step of ops) {
          const id = `d${step.id}`
          if (step.kind === 'open') {
            opened.set(id, log.open(id, 'e', 'u'))
            model.open(id)
          } else {
            const record = opened.get(id)
            if (record?.state !== 'pending') continue // the dispatcher only records attempts of an open, pending delivery
            log.add(record, attempt(++n, step.outcome))
            model.add(id, step.outcome)
          }
          expect(log.all().map((record) => record.deliveryId)).toEqual(model.ids())
        }
      }),
      { numRuns: 300 },
    )
  })
})

describe('open(id, …, firstAttempt)', () => {
  it.each([
    ['delivered', true, 'a fresh pending record'],
    ['failed', true, 'a fresh pending record'],
    ['failed', false, 'the same finished record (a later attempt of it)'],
  ] as const)('a %s delivery opened with firstAttempt %s → %s', (outcome, firstAttempt, _expected) => {
    const log = createDeliveryLog(10)
    const old = log.open('again', 'e', 'u', true)
    log.add(old, attempt(1, outcome))
    const reopened = log.open('again', 'e', 'u', firstAttempt)
    if (firstAttempt) {
      expect(reopened).not.toBe(old)
      expect([reopened.state, reopened.attempts]).toEqual(['pending', []])
      expect(log.get('again')).toBe(reopened)
      expect(log.all()).toEqual([reopened])
    } else expect(reopened).toBe(old)
  })
})

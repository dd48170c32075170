import { describe, expect, test } from 'vitest'
import { createReplayGuard, idempotencyKey, memoryStore, runOnce } from '../../src/idempotency/index.js'
import { deliver, entryBody, gate, replay, T } from './helpers.js'

// bad-inputs.md section F (replay and idempotency), item by item, with real signed and verified requests.
// The same items run against Redis in packages/redis/test/bad-inputs-f.test.ts.

describe('bad-inputs F31: the same request twice inside the window', () => {
  test('runOnce → handled, then duplicate; handler ran once', async () => {
    const store = memoryStore()
    const body = entryBody('entry_f31')
    const { webhook, headers } = await deliver(body)
    let runs = 0
    const handler = () => ++runs
    expect((await runOnce(webhook, { store }, handler)).outcome).toBe('handled')
    expect((await runOnce(await replay(body, headers), { store }, handler)).outcome).toBe('duplicate')
    expect(runs).toBe(1)
  })

  test('replay guard → fresh, then replay', async () => {
    const check = createReplayGuard()
    const body = entryBody('entry_f31_guard')
    const { webhook, headers } = await deliver(body)
    expect(await check(webhook)).toBe('fresh')
    expect(await check(await replay(body, headers))).toBe('replay')
  })
})

describe('bad-inputs F32: the same event id re-sent later with a fresh t and signature', () => {
  test('first attempt succeeded → the retry is a duplicate (200 no-op)', async () => {
    const store = memoryStore()
    const body = entryBody('entry_f32_done')
    let runs = 0
    await runOnce((await deliver(body, { timestamp: T })).webhook, { store }, () => ++runs)
    const retry = await runOnce((await deliver(body, { timestamp: T + 40 })).webhook, { store }, () => ++runs)
    expect(retry).toEqual({ outcome: 'duplicate' })
    expect(runs).toBe(1)
  })

  test('first attempt failed → the retry is processed', async () => {
    const store = memoryStore()
    const body = entryBody('entry_f32_failed')
    const first = runOnce((await deliver(body, { timestamp: T })).webhook, { store }, () => {
      throw new Error('downstream unavailable')
    })
    await expect(first).rejects.toThrow('downstream unavailable')
    const retry = await runOnce((await deliver(body, { timestamp: T + 10 })).webhook, { store }, () => 'ok')
    expect(retry).toEqual({ outcome: 'handled', value: 'ok' })
  })

  test('the replay guard lets the re-signed retry through (it is not a replay)', async () => {
    const check = createReplayGuard()
    const body = entryBody('entry_f32_guard')
    expect(await check((await deliver(body, { timestamp: T })).webhook)).toBe('fresh')
    expect(await check((await deliver(body, { timestamp: T + 10 })).webhook)).toBe('fresh')
  })
})

describe('bad-inputs F33: N concurrent deliveries of one event', () => {
  test('50 concurrent deliveries → handler runs once; the others are in-progress (503), later duplicates', async () => {
    const store = memoryStore()
    const body = entryBody('entry_f33')
    const deliveries = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        deliver(body, { timestamp: T + index, delivery: `d-${index}` }),
      ),
    )
    const release = gate()
    let runs = 0
    const handler = async () => {
      runs += 1
      await release.opened
      return 'stored'
    }
    const pending = deliveries.map(({ webhook }) => runOnce(webhook, { store }, handler))
    // Let every claim settle while the one handler is held open.
    await new Promise((resolve) => setTimeout(resolve, 20))
    release.open()
    const outcomes = (await Promise.all(pending)).map((result) => result.outcome)
    expect(runs).toBe(1)
    expect(outcomes.filter((outcome) => outcome === 'handled')).toHaveLength(1)
    expect(outcomes.filter((outcome) => outcome === 'in-progress')).toHaveLength(49)
    const later = await runOnce(deliveries[7]!.webhook, { store }, handler)
    expect(later).toEqual({ outcome: 'duplicate' })
    expect(runs).toBe(1)
  })
})

describe('bad-inputs F34: changing an unsigned header does not dodge dedupe', () => {
  test.each([
    ['X-Ledgerly-Delivery', { 'x-ledgerly-delivery': 'a-brand-new-delivery-id' }],
    ['X-Ledgerly-Event', { 'x-ledgerly-event': 'something_else' }],
    ['X-Ledgerly-Attempt', { 'x-ledgerly-attempt': '99' }],
    ['Idempotency-Key', { 'idempotency-key': 'attacker-chosen' }],
  ])('%s changed → same key, duplicate, handler not run again', async (_label, extraHeaders) => {
    const store = memoryStore()
    const body = entryBody('entry_f34')
    const original = await deliver(body)
    const altered = await deliver(body, { timestamp: T + 5, extraHeaders })
    expect(idempotencyKey(altered.webhook)).toBe(idempotencyKey(original.webhook))
    let runs = 0
    await runOnce(original.webhook, { store }, () => ++runs)
    expect(await runOnce(altered.webhook, { store }, () => ++runs)).toEqual({ outcome: 'duplicate' })
    expect(runs).toBe(1)
  })

  test('a different entry id in the signed body → a different key (handled)', async () => {
    const store = memoryStore()
    await runOnce((await deliver(entryBody('entry_f34_a'))).webhook, { store }, () => 1)
    const other = await runOnce((await deliver(entryBody('entry_f34_b'))).webhook, { store }, () => 2)
    expect(other).toEqual({ outcome: 'handled', value: 2 })
  })
})

import { describe, expect, test, vi } from 'vitest'
import {
  DEFAULT_LEASE_MS,
  DEFAULT_TTL_MS,
  type IdempotencyStore,
  memoryStore,
  runOnce,
  validateIdempotencyOptions,
} from '../../src/idempotency/index.js'
import { deliver, entryBody, gate } from './helpers.js'

const { webhook } = await deliver(entryBody('entry_run_once'))

/** A store that records calls and can be told to fail one operation. */
function recordingStore(fail: Partial<Record<keyof IdempotencyStore, Error>> = {}) {
  const inner = memoryStore()
  const calls: string[] = []
  const store: IdempotencyStore = {
    async claim(key, leaseMs) {
      calls.push(`claim ${key} ${leaseMs}`)
      if (fail.claim) throw fail.claim
      return inner.claim(key, leaseMs)
    },
    async complete(key, ttlMs) {
      calls.push(`complete ${key} ${ttlMs}`)
      if (fail.complete) throw fail.complete
      return inner.complete(key, ttlMs)
    },
    async release(key) {
      calls.push(`release ${key}`)
      if (fail.release) throw fail.release
      return inner.release(key)
    },
  }
  return { store, calls, inner }
}

describe('runOnce', () => {
  test('first delivery → handled with the value; claim(lease) then complete(ttl)', async () => {
    const { store, calls } = recordingStore()
    const result = await runOnce(webhook, { store, leaseMs: 5_000, ttlMs: 7_000 }, () => 'saved')
    expect(result).toEqual({ outcome: 'handled', value: 'saved' })
    expect(calls).toEqual([
      'claim ledgerly:entry_persisted:entry_run_once 5000',
      'complete ledgerly:entry_persisted:entry_run_once 7000',
    ])
  })

  test('defaults → lease 30 s, ttl 24 h', async () => {
    const { store, calls } = recordingStore()
    await runOnce(webhook, { store }, async () => undefined)
    expect(DEFAULT_LEASE_MS).toBe(30_000)
    expect(DEFAULT_TTL_MS).toBe(86_400_000)
    expect(calls).toEqual([
      `claim ledgerly:entry_persisted:entry_run_once ${DEFAULT_LEASE_MS}`,
      `complete ledgerly:entry_persisted:entry_run_once ${DEFAULT_TTL_MS}`,
    ])
  })

  test('already done → duplicate, handler not run', async () => {
    const store = memoryStore()
    await runOnce(webhook, { store }, () => 1)
    const handler = vi.fn(() => 2)
    expect(await runOnce(webhook, { store }, handler)).toEqual({ outcome: 'duplicate' })
    expect(handler).not.toHaveBeenCalled()
  })

  test('still running elsewhere → in-progress with retryAfterSeconds = lease in whole seconds', async () => {
    const store = memoryStore()
    await store.claim('ledgerly:entry_persisted:entry_run_once', 60_000)
    const handler = vi.fn()
    expect(await runOnce(webhook, { store, leaseMs: 12_500 }, handler)).toEqual({
      outcome: 'in-progress',
      retryAfterSeconds: 13,
    })
    expect(handler).not.toHaveBeenCalled()
  })

  test('handler throws → claim released, the same error rethrown, the retry is handled', async () => {
    const { store, calls } = recordingStore()
    const failure = new Error('database down')
    await expect(runOnce(webhook, { store }, () => Promise.reject(failure))).rejects.toBe(failure)
    expect(calls.at(-1)).toBe('release ledgerly:entry_persisted:entry_run_once')
    expect(await runOnce(webhook, { store }, () => 'retried')).toEqual({
      outcome: 'handled',
      value: 'retried',
    })
  })

  test('claim fails (store down) → rejects with the store error, handler not run', async () => {
    const down = new Error('connection refused')
    const { store } = recordingStore({ claim: down })
    const handler = vi.fn()
    await expect(runOnce(webhook, { store }, handler)).rejects.toBe(down)
    expect(handler).not.toHaveBeenCalled()
  })

  test('complete fails after the handler succeeded → still handled, error reported to onStoreError', async () => {
    const failure = new Error('timeout')
    const { store } = recordingStore({ complete: failure })
    const onStoreError = vi.fn()
    const result = await runOnce(webhook, { store, onStoreError }, () => 'done')
    expect(result).toEqual({ outcome: 'handled', value: 'done' })
    expect(onStoreError).toHaveBeenCalledWith(failure, 'complete')
  })

  test('release fails after the handler threw → the handler error wins, release error reported', async () => {
    const releaseFailure = new Error('timeout')
    const { store } = recordingStore({ release: releaseFailure })
    const onStoreError = vi.fn(() => {
      throw new Error('reporter bug')
    })
    const handlerFailure = new Error('handler failed')
    await expect(
      runOnce(webhook, { store, onStoreError }, () => {
        throw handlerFailure
      }),
    ).rejects.toBe(handlerFailure)
    expect(onStoreError).toHaveBeenCalledWith(releaseFailure, 'release')
  })

  test('default onStoreError → console.error without the key or payload', async () => {
    const { store } = recordingStore({ complete: new Error('READONLY replica') })
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      await runOnce(webhook, { store }, () => 1)
      expect(spy).toHaveBeenCalledTimes(1)
      expect(String(spy.mock.calls[0]![0])).toBe(
        '@ledgerly/webhooks/idempotency: store.complete failed: READONLY replica',
      )
    } finally {
      spy.mockRestore()
    }
  })

  test('store.claim returns garbage → TypeError', async () => {
    const store = { ...memoryStore(), claim: async () => 'yes' } as unknown as IdempotencyStore
    await expect(runOnce(webhook, { store }, () => 1)).rejects.toThrow(TypeError)
  })

  test('handler not a function → TypeError before anything is claimed', async () => {
    const { store, calls } = recordingStore()
    await expect(runOnce(webhook, { store }, 'nope' as never)).rejects.toThrow(TypeError)
    expect(calls).toEqual([])
  })
})

describe('runOnce: lease tokens', () => {
  /** A memory store that records the token each call received. */
  function tokenStore() {
    const inner = memoryStore()
    const tokens: Array<[string, string | undefined]> = []
    const store: IdempotencyStore = {
      claim(key, leaseMs, token) {
        tokens.push(['claim', token])
        return inner.claim(key, leaseMs, token)
      },
      complete(key, ttlMs, token) {
        tokens.push(['complete', token])
        return inner.complete(key, ttlMs, token)
      },
      release(key, token) {
        tokens.push(['release', token])
        return inner.release(key, token)
      },
    }
    return { store, tokens }
  }

  test.each([
    ['handler succeeds → claim and complete get one token', () => 'ok', 'complete'],
    [
      'handler throws → claim and release get one token',
      () => {
        throw new Error('failed')
      },
      'release',
    ],
  ])('%s, a fresh one per call', async (_name, handler, settle) => {
    const seen: string[] = []
    for (let call = 0; call < 2; call++) {
      const { store, tokens } = tokenStore()
      await runOnce(webhook, { store }, handler).catch(() => undefined)
      expect(tokens.map(([operation]) => operation)).toEqual(['claim', settle])
      expect(tokens[0]![1]).toMatch(/^[0-9a-f]{32}$/)
      expect(tokens[1]![1]).toBe(tokens[0]![1])
      seen.push(tokens[0]![1]!)
    }
    expect(seen[0]).not.toBe(seen[1])
  })

  test('first handler outlives its lease, the retry runs, the first then throws → a third delivery → in-progress', async () => {
    let time = 1_700_000_000_000
    const store = memoryStore({ now: () => time })
    const options = { store, leaseMs: 1000 }
    const [firstStarted, firstFails, retryStarted, retryEnds] = [gate(), gate(), gate(), gate()]
    const first = runOnce(webhook, options, async function slowThenFails() {
      firstStarted.open()
      await firstFails.opened
      throw new Error('late failure')
    })
    await firstStarted.opened
    time += 1000 // the first lease expires while its handler still runs
    const retry = runOnce(webhook, options, async function retryHandler() {
      retryStarted.open()
      await retryEnds.opened
      return 'retried'
    })
    await retryStarted.opened
    firstFails.open()
    await expect(first).rejects.toThrow('late failure')

    const third = vi.fn()
    expect(await runOnce(webhook, options, third)).toEqual({ outcome: 'in-progress', retryAfterSeconds: 1 })
    expect(third).not.toHaveBeenCalled()
    retryEnds.open()
    expect(await retry).toEqual({ outcome: 'handled', value: 'retried' })
    expect(await runOnce(webhook, options, third)).toEqual({ outcome: 'duplicate' })
  })
})

describe('validateIdempotencyOptions', () => {
  const store = memoryStore()
  test.each([
    ['undefined', undefined, TypeError],
    ['no store', {}, TypeError],
    ['store without release', { store: { claim() {}, complete() {} } }, TypeError],
    ['leaseMs 0', { store, leaseMs: 0 }, RangeError],
    ['leaseMs 1.5', { store, leaseMs: 1.5 }, RangeError],
    ['leaseMs "60000"', { store, leaseMs: '60000' }, RangeError],
    ['ttlMs -1', { store, ttlMs: -1 }, RangeError],
    ['ttlMs NaN', { store, ttlMs: Number.NaN }, RangeError],
    ['ttlMs 400 days', { store, ttlMs: 400 * 86_400_000 }, RangeError],
    ['onStoreError "log"', { store, onStoreError: 'log' }, TypeError],
  ])('%s → throws', (_label, options, kind) => {
    expect(() => validateIdempotencyOptions(options as never, 'webhookMiddleware')).toThrow(kind)
  })

  test('errors name the caller and the option', () => {
    expect(() => validateIdempotencyOptions({ store, leaseMs: 0 }, 'honoWebhook')).toThrow(
      /^honoWebhook: "leaseMs"/,
    )
  })

  test('{ store, leaseMs: 30_000 } → defaults applied, frozen, retryAfterSeconds 30', () => {
    const resolved = validateIdempotencyOptions({ store, leaseMs: 30_000 })
    expect(resolved).toMatchObject({ store, leaseMs: 30_000, ttlMs: DEFAULT_TTL_MS, retryAfterSeconds: 30 })
    expect(Object.isFrozen(resolved)).toBe(true)
  })

  test('leaseMs 1 → retryAfterSeconds 1 (never 0)', () => {
    expect(validateIdempotencyOptions({ store, leaseMs: 1 }).retryAfterSeconds).toBe(1)
  })
})

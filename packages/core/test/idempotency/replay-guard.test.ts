import { describe, expect, test } from 'vitest'
import { createReplayGuard, type IdempotencyStore, memoryStore } from '../../src/idempotency/index.js'
import { createVerifier, sign } from '../../src/index.js'
import { deliver, entryBody, replay, SECRET, T } from './helpers.js'

/** A Standard Webhooks verifier and signed requests of one body at `T`, differing only in `webhook-id`. */
const standardWebhooks = (() => {
  const secret = `whsec_${Buffer.from('replay-guard-signature-key').toString('base64')}`
  const body = JSON.stringify({ type: 'invoice.paid', data: { id: 'inv_sig' } })
  return {
    verifier: createVerifier({ secret, scheme: 'standard-webhooks', now: () => T * 1000 }),
    async request(id: string) {
      return {
        payload: body,
        headers: await sign(body, { secret, scheme: 'standard-webhooks', id, timestamp: T }),
      }
    },
  }
})()

/** Wraps a store to record the lease each claim asked for. */
function leaseRecorder() {
  const inner = memoryStore()
  const leases: number[] = []
  const store: IdempotencyStore = {
    claim: (key, leaseMs) => {
      leases.push(leaseMs)
      return inner.claim(key, leaseMs)
    },
    complete: (key, ttlMs) => inner.complete(key, ttlMs),
    release: (key) => inner.release(key),
  }
  return { store, leases }
}

describe('createReplayGuard', () => {
  test('exact same request twice → fresh, then replay', async () => {
    const check = createReplayGuard()
    const body = entryBody('entry_guard_1')
    const { webhook, headers } = await deliver(body)
    expect(await check(webhook)).toBe('fresh')
    expect(await check(await replay(body, headers))).toBe('replay')
  })

  test('same event re-signed with a fresh t (a genuine retry) → fresh', async () => {
    const check = createReplayGuard()
    const body = entryBody('entry_guard_2')
    expect(await check((await deliver(body, { timestamp: T })).webhook)).toBe('fresh')
    expect(await check((await deliver(body, { timestamp: T + 10 })).webhook)).toBe('fresh')
  })

  test.each([
    ['spaces around elements', (h: string) => h.replace(',', ' , ')],
    ['an unknown element added', (h: string) => `${h},v0=whatever`],
    ['a bogus second v1 added', (h: string) => `${h},v1=${'0'.repeat(64)}`],
    [
      'hex upper-cased',
      (h: string) => h.replace(/v1=([0-9a-f]+)/, (_m, hex: string) => `v1=${hex.toUpperCase()}`),
    ],
  ])('replay with the signature header edited (%s) → still replay', async (_label, edit) => {
    const check = createReplayGuard()
    const body = entryBody('entry_guard_edit')
    const { webhook, headers } = await deliver(body)
    expect(await check(webhook)).toBe('fresh')
    const edited = { ...headers, 'x-ledgerly-signature': edit(headers['x-ledgerly-signature']!) }
    expect(await check(await replay(body, edited))).toBe('replay')
  })

  test('replay with unsigned headers changed (delivery, attempt) → still replay', async () => {
    const check = createReplayGuard()
    const body = entryBody('entry_guard_unsigned')
    const { webhook, headers } = await deliver(body)
    await check(webhook)
    const edited = { ...headers, 'x-ledgerly-delivery': 'other', 'x-ledgerly-attempt': '2' }
    expect(await check(await replay(body, edited))).toBe('replay')
  })

  test('toleranceSeconds 300 → remembered 601 s (2 × tolerance + 1); 5 → 11 s', async () => {
    const defaults = leaseRecorder()
    await createReplayGuard({ store: defaults.store })((await deliver(entryBody('entry_guard_ttl'))).webhook)
    const short = leaseRecorder()
    await createReplayGuard({ store: short.store, toleranceSeconds: 5 })(
      (await deliver(entryBody('entry_guard_ttl'))).webhook,
    )
    expect(defaults.leases).toEqual([601_000])
    expect(short.leases).toEqual([11_000])
  })

  test('remembered for the whole window: the store keeps it until 2 × tolerance + 1 s have passed', async () => {
    let now = 0
    const check = createReplayGuard({ store: memoryStore({ now: () => now }), toleranceSeconds: 300 })
    const body = entryBody('entry_guard_window')
    const { webhook, headers } = await deliver(body)
    await check(webhook)
    now = 600_999
    expect(await check(await replay(body, headers))).toBe('replay')
    now = 601_000
    expect(await check(await replay(body, headers))).toBe('fresh')
  })

  test('Standard Webhooks: same request twice → replay; a new webhook-id → fresh', async () => {
    const secret = `whsec_${Buffer.from('replay-guard-key').toString('base64')}`
    const verifier = createVerifier({ secret, scheme: 'standard-webhooks', now: () => T * 1000 })
    const body = JSON.stringify({ type: 'invoice.paid', data: { id: 'inv_1' } })
    const check = createReplayGuard()
    const first = await sign(body, { secret, scheme: 'standard-webhooks', id: 'msg_1', timestamp: T })
    const second = await sign(body, { secret, scheme: 'standard-webhooks', id: 'msg_2', timestamp: T })
    expect(await check(await verifier.verify({ payload: body, headers: first }))).toBe('fresh')
    expect(await check(await verifier.verify({ payload: body, headers: first }))).toBe('replay')
    expect(await check(await verifier.verify({ payload: body, headers: second }))).toBe('fresh')
  })

  test('same body signed twice at the same t (a retry re-signed within the second) → fresh, then replay', async () => {
    // A byte-identical request, so the guard cannot tell it from a replay: answer it 503 + Retry-After.
    const check = createReplayGuard()
    const body = entryBody('entry_guard_same_second')
    expect(await check((await deliver(body, { timestamp: T, delivery: 'attempt-1' })).webhook)).toBe('fresh')
    expect(await check((await deliver(body, { timestamp: T, delivery: 'attempt-2' })).webhook)).toBe('replay')
  })

  test('same body re-signed at t + 1 (the retry after Retry-After: 1) → fresh', async () => {
    const check = createReplayGuard()
    const body = entryBody('entry_guard_next_second')
    expect(await check((await deliver(body, { timestamp: T })).webhook)).toBe('fresh')
    expect(await check((await deliver(body, { timestamp: T })).webhook)).toBe('replay')
    expect(await check((await deliver(body, { timestamp: T + 1 })).webhook)).toBe('fresh')
  })

  test('Standard Webhooks via verifySignature: two messages, same t and body → fresh, fresh', async () => {
    const check = createReplayGuard()
    const first = await standardWebhooks.verifier.verifySignature(await standardWebhooks.request('msg_sig_1'))
    const second = await standardWebhooks.verifier.verifySignature(
      await standardWebhooks.request('msg_sig_2'),
    )
    expect(first.messageId).toBe('msg_sig_1')
    expect(await check(first)).toBe('fresh')
    expect(await check(second)).toBe('fresh')
  })

  test('Standard Webhooks: verify(), then verifySignatureSync() of the same request → fresh, then replay', async () => {
    const check = createReplayGuard()
    const request = await standardWebhooks.request('msg_sig_3')
    expect(await check(await standardWebhooks.verifier.verify(request))).toBe('fresh')
    expect(await check(standardWebhooks.verifier.verifySignatureSync(request))).toBe('replay')
  })

  test('Ledgerly: verifySignature() twice → fresh, then replay', async () => {
    const check = createReplayGuard()
    const verifier = createVerifier({ secret: SECRET, now: () => T * 1000 })
    const body = entryBody('entry_guard_signature')
    const request = { payload: body, headers: await sign(body, { secret: SECRET, timestamp: T }) }
    expect(await check(await verifier.verifySignature(request))).toBe('fresh')
    expect(await check(await verifier.verifySignature(request))).toBe('replay')
  })

  test.each([
    ['messageId undefined, no id', { messageId: undefined }],
    ['id 42', { id: 42 }],
  ])('Standard Webhooks result with %s → rejects with TypeError', async (_label, fields) => {
    const webhook = {
      scheme: 'standard-webhooks',
      timestamp: T,
      secretIndex: 0,
      raw: new Uint8Array(),
      ...fields,
    }
    await expect(createReplayGuard()(webhook as never)).rejects.toThrow(
      'pass the result of verify()/verifySignature()',
    )
  })

  test.each([
    ['toleranceSeconds -1', { toleranceSeconds: -1 }, RangeError],
    ['toleranceSeconds 1.5', { toleranceSeconds: 1.5 }, RangeError],
    ['toleranceSeconds "300"', { toleranceSeconds: '300' }, RangeError],
    ['store {}', { store: {} }, TypeError],
    ['options null', null, TypeError],
  ])('createReplayGuard(%s) → throws', (_label, options, kind) => {
    expect(() => createReplayGuard(options as never)).toThrow(kind)
  })

  test('check(not a webhook) → rejects with TypeError', async () => {
    await expect(createReplayGuard()({ id: '1' } as never)).rejects.toThrow(TypeError)
  })
})

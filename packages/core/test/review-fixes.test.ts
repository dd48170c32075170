// Contract points a review of the core found broken (2026-11-23), one table per finding.
import { describe, expect, test } from 'vitest'
import { isWebhookVerificationError } from '../src/errors.js'
import { createSigner, createVerifier, signSync, verifySync } from '../src/index.js'
import { createSignedRequest } from '../src/testing/index.js'
import { BODY, compound, SECRET, T } from './fixtures.js'

const request = { payload: BODY, headers: compound() }

// T is whole unix seconds (a sender signing at 12:00:00.900 sends T = 12:00:00), so the clock is read as
// whole unix seconds too: comparing milliseconds would make tolerance 0 refuse almost every webhook.
describe('the tolerance is held in whole seconds, as T is (|floor(now) - T| <= tolerance)', () => {
  test.each([
    ['T + 300 s exactly', (T + 300) * 1000, 'valid'],
    ['T + 300.999 s (still second T + 300)', (T + 300) * 1000 + 999, 'valid'],
    ['T + 301 s', (T + 301) * 1000, 'TIMESTAMP_TOO_OLD'],
    ['T - 300 s exactly', (T - 300) * 1000, 'valid'],
    ['T - 300.001 s (second T - 301)', (T - 300) * 1000 - 1, 'TIMESTAMP_TOO_NEW'],
  ])('now = %s, tolerance 300 → %s', (_name, millis, expected) => {
    const verifier = createVerifier({ secret: SECRET, now: () => millis })
    let outcome = 'valid'
    try {
      verifier.verifySync(request)
    } catch (error) {
      outcome = isWebhookVerificationError(error) ? error.code : String(error)
    }
    expect(outcome).toBe(expected)
  })
})

describe('a "now" clock in seconds', () => {
  // Fake millisecond clocks in tests read small numbers; T in the future there is TIMESTAMP_TOO_NEW, not a
  // "seconds" TypeError (the check only looks at readings a real seconds clock gives).
  test.each([
    [500, 600],
    [1_000_000, 1_000_100],
  ])('a fake millisecond clock at %i, T = %i → TIMESTAMP_TOO_NEW, not a TypeError', (millis, timestamp) => {
    const verifier = createVerifier({ secret: SECRET, now: () => millis })
    const headers = signSync(BODY, { secret: SECRET, timestamp })
    expect(() => verifier.verifySync({ payload: BODY, headers })).toThrow(
      expect.objectContaining({ code: 'TIMESTAMP_TOO_NEW' }),
    )
  })

  test('now: () => unix seconds → TypeError naming milliseconds (a 401 would make the sender give up)', () => {
    const verifier = createVerifier({ secret: SECRET, now: () => T })
    expect(() => verifier.verifySync(request)).toThrow(TypeError)
    expect(() => verifier.verifySync(request)).toThrow(/milliseconds/)
  })
})

describe('the signer refuses what verifiers refuse', () => {
  const secrets = (count: number) => Array.from({ length: count }, (_, i) => `secret-${i}`)

  test('16 secrets → 16 v1 entries that verify', () => {
    const headers = signSync(BODY, { secret: secrets(16), timestamp: T })
    expect(headers['x-ledgerly-signature']!.match(/v1=/g)).toHaveLength(16)
    expect(
      verifySync({ payload: BODY, headers }, { secret: 'secret-15', now: () => T * 1000 }).secretIndex,
    ).toBe(0)
  })

  test.each([
    ['ledgerly', { secret: secrets(17) }],
    [
      'standard-webhooks',
      { scheme: 'standard-webhooks' as const, secret: secrets(17).map(() => 'whsec_c2VjcmV0') },
    ],
  ])('%s, 17 secrets → RangeError when the signer is built', (_scheme, options) => {
    expect(() => createSigner(options)).toThrow(RangeError)
  })

  test('a string payload with a lone surrogate → TypeError (it would be sent as U+FFFD)', () => {
    expect(() => signSync('{"event":"x","data":{"id":"\ud800"}}', { secret: SECRET })).toThrow(TypeError)
  })
})

describe('createSignedRequest', () => {
  const bytes = new TextEncoder().encode(BODY)

  test.each([
    ['an ArrayBuffer', bytes.slice().buffer],
    ['a DataView', new DataView(bytes.slice().buffer)],
    ['a Uint8Array', bytes],
  ])('payload %s → sent byte for byte (not JSON-stringified), and it verifies', async (_name, payload) => {
    const signed = createSignedRequest({
      url: 'http://localhost/webhooks',
      payload,
      secret: SECRET,
      timestamp: T,
    })
    const sent = new Uint8Array(await signed.arrayBuffer())
    expect(sent).toEqual(bytes)
    const headers = Object.fromEntries(signed.headers)
    expect(verifySync({ payload: sent, headers }, { secret: SECRET, now: () => T * 1000 }).id).toBeDefined()
  })

  test('headers { "X-Ledgerly-Timestamp": "1" } → replaces the signed one (not joined with it)', () => {
    const signed = createSignedRequest({
      url: 'http://localhost/webhooks',
      payload: BODY,
      secret: SECRET,
      headers: { 'X-Ledgerly-Timestamp': '1' },
    })
    expect(signed.headers.get('x-ledgerly-timestamp')).toBe('1')
  })
})

describe('isWebhookVerificationError', () => {
  test('a branded object whose code is an inherited name ("toString") → false', () => {
    const fake = { [Symbol.for('ledgerly.webhooks.verification-error')]: true, code: 'toString' }
    expect(isWebhookVerificationError(fake)).toBe(false)
  })
})

import { describe, expect, test } from 'vitest'
import { ERROR_STATUS, isWebhookVerificationError, WebhookVerificationError } from '../src/errors.js'
import { createVerifier, verify } from '../src/index.js'
import { BODY, compound, NOW_MS, SECRET } from './fixtures.js'

describe('error codes and statuses (GUIDE §2)', () => {
  test.each([
    ['MISSING_SIGNATURE', 400],
    ['MALFORMED_SIGNATURE', 400],
    ['MISSING_TIMESTAMP', 400],
    ['MALFORMED_TIMESTAMP', 400],
    ['TIMESTAMP_TOO_OLD', 401],
    ['TIMESTAMP_TOO_NEW', 401],
    ['SIGNATURE_MISMATCH', 401],
    ['PAYLOAD_TOO_LARGE', 413],
    ['INVALID_PAYLOAD', 400],
    ['PAYLOAD_NOT_RAW', 500],
  ] as const)('%s → %i', (code, status) => {
    expect(ERROR_STATUS[code]).toBe(status)
    expect(new WebhookVerificationError(code, 'x').status).toBe(status)
  })

  test('the code set is closed: exactly the ten codes of the guide', () => {
    expect(Object.keys(ERROR_STATUS)).toHaveLength(10)
  })
})

describe('isWebhookVerificationError', () => {
  test('our error → true; plain errors and look-alikes → false', () => {
    expect(isWebhookVerificationError(new WebhookVerificationError('SIGNATURE_MISMATCH', 'x'))).toBe(true)
    expect(isWebhookVerificationError(new Error('x'))).toBe(false)
    expect(isWebhookVerificationError({ name: 'WebhookVerificationError', code: 'SIGNATURE_MISMATCH' })).toBe(
      false,
    )
    expect(isWebhookVerificationError(null)).toBe(false)
    expect(isWebhookVerificationError('SIGNATURE_MISMATCH')).toBe(false)
  })

  test('an error from a second copy of the package (another class) → true, without instanceof', async () => {
    // Load the built default entry and the node build: two module instances, two classes.
    const web = await import('../dist/index.js')
    const nodeBuild: string = '../dist/node/index.js'
    const node = (await import(nodeBuild)) as typeof web
    const error = await node
      .verify({ payload: BODY, headers: {} }, { secret: SECRET })
      .catch((e: unknown) => e)
    expect(error).not.toBeInstanceOf(web.WebhookVerificationError)
    expect(web.isWebhookVerificationError(error)).toBe(true)
  })
})

describe('messages are for the person debugging', () => {
  test('a parsed object → PAYLOAD_NOT_RAW with "raw body" advice', async () => {
    const error = await verify({ payload: JSON.parse(BODY), headers: compound() }, { secret: SECRET }).catch(
      (e) => e,
    )
    expect(error.code).toBe('PAYLOAD_NOT_RAW')
    expect(error.status).toBe(500)
    expect(error.hint).toMatch(/raw request body/)
    expect(error.message).toMatch(/express\.raw/)
  })

  test('13-digit timestamp → the milliseconds hint', () => {
    const verifier = createVerifier({ secret: SECRET, now: () => NOW_MS })
    expect(() =>
      verifier.verifySync({ payload: BODY, headers: compound('0'.repeat(64), '1700000000000') }),
    ).toThrow(/milliseconds/)
  })

  test('mismatch → names the likely causes, never the expected digest', () => {
    const verifier = createVerifier({ secret: SECRET, now: () => NOW_MS })
    expect(() => verifier.verifySync({ payload: `${BODY} `, headers: compound() })).toThrow(/re-serialised/)
  })
})

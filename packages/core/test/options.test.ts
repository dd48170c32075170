import { describe, expect, test } from 'vitest'
import { createSigner, createVerifier } from '../src/index.js'

// bad-inputs.md E28–E29: misconfiguration fails when the verifier is built, never per request.
const SECRET_CASES: [string, unknown, string][] = [
  ['secret "" → TypeError (empty)', '', 'empty'],
  ['secret "   " → TypeError (whitespace)', '   ', 'empty'],
  ['secret undefined → TypeError', undefined, 'non-empty string'],
  ['secret null → TypeError', null, 'non-empty string'],
  ['secret 42 → TypeError', 42, 'non-empty string'],
  ['secret [] → TypeError', [], 'non-empty string'],
  ['secret " s3cret" → TypeError naming the whitespace', ' s3cret-value', 'surrounding whitespace'],
  ['secret "s3cret\\n" → TypeError naming the newline', 's3cret-value\n', 'trailing newline'],
  ['secret ["ok", ""] → TypeError naming secret[1]', ['ok', ''], 'secret[1]'],
  ['secret ["ok", 7] → TypeError naming secret[1]', ['ok', 7], 'secret[1]'],
]

describe('createVerifier options', () => {
  test.each(SECRET_CASES)('%s', (_name, secret, fragment) => {
    const build = () => createVerifier({ secret: secret as string })
    expect(build).toThrow(TypeError)
    expect(build).toThrow(fragment)
    try {
      build()
    } catch (error) {
      if (typeof secret === 'string' && secret.trim() !== '')
        expect((error as Error).message).not.toContain(secret.trim())
    }
  })

  test.each([
    ['tolerance NaN → RangeError', Number.NaN],
    ['tolerance -1 → RangeError', -1],
    ['tolerance 1.5 → RangeError', 1.5],
    ['tolerance Infinity → RangeError', Number.POSITIVE_INFINITY],
    ['tolerance "300" → RangeError', '300'],
  ])('%s', (_name, tolerance) => {
    expect(() => createVerifier({ secret: 's', tolerance: tolerance as number })).toThrow(RangeError)
  })

  test.each([
    ['tolerance 0 → accepted', { tolerance: 0 }],
    ['tolerance 86400 → accepted', { tolerance: 86_400 }],
    ['maxPayloadBytes Infinity → accepted', { maxPayloadBytes: Number.POSITIVE_INFINITY }],
    [
      'scheme standard-webhooks with whsec_ secret → accepted',
      { scheme: 'standard-webhooks', secret: 'whsec_c2VjcmV0' },
    ],
    [
      'scheme standard-webhooks with bare base64 secret → accepted',
      { scheme: 'standard-webhooks', secret: 'c2VjcmV0' },
    ],
  ])('%s', (_name, options) => {
    expect(() => createVerifier({ secret: 's', ...options } as never)).not.toThrow()
  })

  test.each([
    ['scheme "stripe" → TypeError', { scheme: 'stripe' }, TypeError],
    ['now "soon" → TypeError', { now: 'soon' }, TypeError],
    ['maxPayloadBytes -1 → RangeError', { maxPayloadBytes: -1 }, RangeError],
    [
      'standard-webhooks secret not base64 → TypeError',
      { scheme: 'standard-webhooks', secret: 'whsec_***' },
      TypeError,
    ],
    ['options missing → TypeError', undefined, TypeError],
  ])('%s', (_name, options, kind) => {
    const build = () =>
      createVerifier(options === undefined ? (undefined as never) : ({ secret: 's', ...options } as never))
    expect(build).toThrow(kind)
  })

  test('verify without { payload, headers } → TypeError (the integrator’s bug, not a 4xx)', async () => {
    const verifier = createVerifier({ secret: 's' })
    await expect(verifier.verify(undefined as never)).rejects.toThrow(TypeError)
    expect(() => verifier.verifySync({ payload: '{}', headers: undefined as never })).toThrow(TypeError)
  })

  test('a clock returning NaN → TypeError at request time', () => {
    const verifier = createVerifier({ secret: 's', now: () => Number.NaN })
    const headers = createSigner({ secret: 's' }).signSync('{}', { timestamp: 1_700_000_000 })
    expect(() => verifier.verifySync({ payload: '{}', headers })).toThrow(TypeError)
  })
})

describe('createSigner options', () => {
  test.each([
    ['legacy format with two secrets → TypeError', { secret: ['a', 'b'], format: 'legacy' }, TypeError],
    [
      'legacy format with standard-webhooks → TypeError',
      { secret: 'whsec_c2VjcmV0', scheme: 'standard-webhooks', format: 'legacy' },
      TypeError,
    ],
    ['format "v2" → TypeError', { secret: 'a', format: 'v2' }, TypeError],
    ['secret "" → TypeError', { secret: '' }, TypeError],
  ])('%s', (_name, options, kind) => {
    expect(() => createSigner(options as never)).toThrow(kind)
  })

  test.each([
    ['timestamp 0 → RangeError', 0],
    ['timestamp -5 → RangeError', -5],
    ['timestamp 1.5 → RangeError', 1.5],
    ['timestamp in milliseconds → RangeError', 1_700_000_000_000],
  ])('%s', (_name, timestamp) => {
    expect(() => createSigner({ secret: 'a' }).signSync('{}', { timestamp })).toThrow(RangeError)
  })

  test('object payload → TypeError telling to JSON.stringify', () => {
    expect(() => createSigner({ secret: 'a' }).signSync({ a: 1 } as never)).toThrow(/JSON\.stringify/)
  })
})

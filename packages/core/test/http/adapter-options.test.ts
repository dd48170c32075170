import { describe, expect, it } from 'vitest'
import { type AdapterOptions, validateAdapterOptions } from '../../src/http/index.js'
import { memoryStore } from '../../src/idempotency/index.js'
import { signSync } from '../../src/index.js'

const secret = 'whsec-test-secret'

describe('validateAdapterOptions', () => {
  it('{ secret } → defaults: 10 MiB limit, no allowlist, no proxy trust', async () => {
    const settings = validateAdapterOptions({ secret }, 'test')
    expect(settings.maxBodyBytes).toBe(10 * 1024 * 1024)
    expect(settings.isAllowed).toBeUndefined()
    expect(settings.trustProxy).toBe(false)
    const body = '{"event":"entry_persisted","data":{"id":"e1"}}'
    const webhook = await settings.verifier.verify({ payload: body, headers: signSync(body, { secret }) })
    expect(webhook.id).toBe('e1')
  })

  it.each<[string, AdapterOptions, number]>([
    ['maxBodyBytes', { secret, maxBodyBytes: 1024 }, 1024],
    ['maxPayloadBytes only', { secret, maxPayloadBytes: 2048 }, 2048],
    ['both', { secret, maxPayloadBytes: 2048, maxBodyBytes: 100 }, 100],
    ['Infinity', { secret, maxBodyBytes: Number.POSITIVE_INFINITY }, Number.POSITIVE_INFINITY],
  ])('%s → maxBodyBytes %d', (_name, options, expected) => {
    expect(validateAdapterOptions(options, 'test').maxBodyBytes).toBe(expected)
  })

  it.each([
    ['alone', {}],
    ['with maxPayloadBytes: undefined', { maxPayloadBytes: undefined }],
  ])('maxBodyBytes 20 MiB %s → the verifier accepts a 12 MiB body too', async (_label, extra) => {
    const settings = validateAdapterOptions({ secret, maxBodyBytes: 20 * 1024 * 1024, ...extra }, 'test')
    const body = `{"event":"entry_persisted","data":{"id":"e1","pad":"${'x'.repeat(12 * 1024 * 1024)}"}}`
    const webhook = await settings.verifier.verify({ payload: body, headers: signSync(body, { secret }) })
    expect(webhook.id).toBe('e1')
  })

  it.each<[string, unknown, RegExp]>([
    ['no options', undefined, /test: options \{ secret \} are required/],
    ['empty secret', { secret: '' }, /secret/],
    ['secret with a newline', { secret: 'abc\n' }, /whitespace/],
    ['maxBodyBytes 0', { secret, maxBodyBytes: 0 }, /test: "maxBodyBytes"/],
    ['maxBodyBytes 1.5', { secret, maxBodyBytes: 1.5 }, /"maxBodyBytes"/],
    ['maxBodyBytes NaN', { secret, maxBodyBytes: Number.NaN }, /"maxBodyBytes"/],
    ['maxBodyBytes "10"', { secret, maxBodyBytes: '10' }, /"maxBodyBytes"/],
    [
      'maxPayloadBytes 0 (no maxBodyBytes)',
      { secret, maxPayloadBytes: 0 },
      /test: "maxPayloadBytes" must be/,
    ],
    ['maxPayloadBytes 1.5 (no maxBodyBytes)', { secret, maxPayloadBytes: 1.5 }, /"maxPayloadBytes"/],
    [
      'maxBodyBytes 0 and maxPayloadBytes 5',
      { secret, maxBodyBytes: 0, maxPayloadBytes: 5 },
      /"maxBodyBytes"/,
    ],
    ['trustProxy -1', { secret, trustProxy: -1 }, /"trustProxy"/],
    ['trustProxy "yes"', { secret, trustProxy: 'yes' }, /"trustProxy"/],
    ['onError not a function', { secret, onError: 'log' }, /"onError" must be a function/],
    ['allowedIps a string', { secret, allowedIps: '10.0.0.1' }, /"allowedIps" must be an array/],
    ['allowedIps with a bad entry', { secret, allowedIps: ['10.0.0.0/99'] }, /entry 0 \("10.0.0.0\/99"\)/],
    ['tolerance NaN', { secret, tolerance: Number.NaN }, /tolerance/],
    ['idempotency without a store', { secret, idempotency: {} }, /test: .*store/],
    ['idempotency leaseMs -1', { secret, idempotency: { store: memoryStore(), leaseMs: -1 } }, /leaseMs/],
  ])('%s → throws when built', (_name, options, message) => {
    expect(() => validateAdapterOptions(options as AdapterOptions, 'test')).toThrow(message)
  })

  it('allowedIps + trustProxy → a matcher and the proxy depth', () => {
    const settings = validateAdapterOptions({ secret, allowedIps: ['10.0.0.0/8'], trustProxy: 2 }, 'test')
    expect(settings.isAllowed?.('10.1.2.3')).toBe(true)
    expect(settings.isAllowed?.('11.1.2.3')).toBe(false)
    expect(settings.trustProxy).toBe(2)
  })

  it('idempotency → resolved once with defaults (Retry-After from the lease)', () => {
    const store = memoryStore()
    const settings = validateAdapterOptions({ secret, idempotency: { store, leaseMs: 30_000 } }, 'test')
    expect(settings.idempotency).toMatchObject({ store, leaseMs: 30_000, retryAfterSeconds: 30 })
    expect(validateAdapterOptions({ secret }, 'test').idempotency).toBeUndefined()
  })
})

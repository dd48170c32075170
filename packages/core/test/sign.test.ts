import { createHmac } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { nodeBackend } from '../src/backend/node.js'
import { webBackend } from '../src/backend/web.js'
import { createVerifier, generateSecret, sign, signSync, verify } from '../src/index.js'
import { createSignerWith } from '../src/signer.js'
import { SW_BODY, SW_ID, SW_SECRET, SW_SIGNATURE, SW_T } from './cases/standard-webhooks.js'
import { BODY, hmacHex, SECRET, T } from './fixtures.js'

describe.each([
  ['node:crypto', nodeBackend],
  ['web', webBackend],
] as const)('signer (%s)', (_name, backend) => {
  test.each([false, true])(
    'compound form, async=%s → t=<T>,v1=<hex> and x-ledgerly-timestamp',
    async (async) => {
      const signer = createSignerWith(backend as never, { secret: SECRET })
      const headers = async
        ? await signer.sign(BODY, { timestamp: T })
        : signer.signSync(BODY, { timestamp: T })
      expect(headers).toEqual({
        'x-ledgerly-signature': `t=${T},v1=${hmacHex(BODY)}`,
        'x-ledgerly-timestamp': String(T),
      })
    },
  )

  test('legacy form → bare hex', () => {
    const headers = createSignerWith(backend as never, { secret: SECRET, format: 'legacy' }).signSync(BODY, {
      timestamp: T,
    })
    expect(headers['x-ledgerly-signature']).toBe(hmacHex(BODY))
  })

  test('two secrets → one v1 each, in order', () => {
    const headers = createSignerWith(backend as never, { secret: ['new', 'old'] }).signSync(BODY, {
      timestamp: T,
    })
    expect(headers['x-ledgerly-signature']).toBe(
      `t=${T},v1=${hmacHex(BODY, T, 'new')},v1=${hmacHex(BODY, T, 'old')}`,
    )
  })

  test('standard-webhooks → the published known answer', async () => {
    const signer = createSignerWith(backend as never, { secret: SW_SECRET, scheme: 'standard-webhooks' })
    expect(await signer.sign(SW_BODY, { id: SW_ID, timestamp: SW_T })).toEqual({
      'webhook-id': SW_ID,
      'webhook-timestamp': String(SW_T),
      'webhook-signature': SW_SIGNATURE,
    })
  })

  test('bytes and ArrayBuffer payloads sign the same as the string', () => {
    const signer = createSignerWith(backend as never, { secret: SECRET })
    const bytes = new TextEncoder().encode(BODY)
    const expected = signer.signSync(BODY, { timestamp: T })
    expect(signer.signSync(bytes, { timestamp: T })).toEqual(expected)
    expect(signer.signSync(bytes.buffer, { timestamp: T })).toEqual(expected)
  })
})

describe('sign / verify round trip', () => {
  test('sign → verify with the default timestamp (now) → valid', async () => {
    const headers = await sign(BODY, { secret: SECRET })
    const webhook = await verify({ payload: BODY, headers }, { secret: SECRET })
    expect(webhook).toMatchObject({
      event: 'entry_persisted',
      id: 'entry_1',
      secretIndex: 0,
      scheme: 'ledgerly',
    })
    expect(new TextDecoder().decode(webhook.raw)).toBe(BODY)
  })

  test('standard-webhooks without an id → a random msg_ id that verifies', () => {
    const headers = signSync('{"type":"x"}', { secret: SW_SECRET, scheme: 'standard-webhooks' })
    expect(headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/)
  })
})

describe('generateSecret', () => {
  test('ledgerly → 43 base64url characters from 32 random bytes, different each call', () => {
    const a = generateSecret()
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(generateSecret()).not.toBe(a)
  })

  test('standard-webhooks → whsec_ + base64 of 32 bytes, usable as a key', () => {
    const secret = generateSecret({ scheme: 'standard-webhooks' })
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    const key = Buffer.from(secret.slice(6), 'base64')
    expect(key).toHaveLength(32)
    const headers = signSync('{}', { secret, scheme: 'standard-webhooks', id: 'msg_1', timestamp: T })
    expect(headers['webhook-signature']).toBe(
      `v1,${createHmac('sha256', key).update(`msg_1.${T}.{}`).digest('base64')}`,
    )
  })
})

describe('verifySignature', () => {
  test('valid request → timestamp, secretIndex and the exact raw bytes, nothing parsed', async () => {
    const body = 'not json at all'
    const headers = signSync(body, { secret: ['a', SECRET], timestamp: T })
    const verifier = createVerifier({ secret: [SECRET], now: () => T * 1000 })
    const verified = await verifier.verifySignature({ payload: body, headers })
    expect(verified).toMatchObject({ scheme: 'ledgerly', timestamp: T, secretIndex: 0, messageId: undefined })
    expect(new TextDecoder().decode(verified.raw)).toBe(body)
    expect(() => verifier.verifySync({ payload: body, headers })).toThrow(
      expect.objectContaining({ code: 'INVALID_PAYLOAD' }),
    )
  })

  test('standard-webhooks → messageId is the signed webhook-id', () => {
    const verifier = createVerifier({
      scheme: 'standard-webhooks',
      secret: SW_SECRET,
      now: () => SW_T * 1000,
    })
    const headers = {
      'webhook-id': SW_ID,
      'webhook-timestamp': String(SW_T),
      'webhook-signature': SW_SIGNATURE,
    }
    expect(verifier.verifySignatureSync({ payload: SW_BODY, headers }).messageId).toBe(SW_ID)
  })
})

// The node backend computes small HMACs itself (RFC 2104 over one-shot SHA-256) and large ones with
// createHmac. Both paths must agree with OpenSSL's HMAC for every key length (shorter than, equal to and
// longer than the 64-byte block), every body form, and every size on both sides of the switch.
import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { nodeBackend } from '../../src/backend/node.js'
import { nodeMac, ONE_SHOT_MAX_BYTES, prepareNodeKey } from '../../src/backend/node-hmac.js'

interface Rfc4231Case {
  id: string
  keyHex: string
  dataHex: string
  macHex: string
}

const rfc4231 = JSON.parse(
  readFileSync(new URL('../../../../test-vectors/vectors/hmac-rfc4231.json', import.meta.url), 'utf8'),
) as { cases: Rfc4231Case[] }

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')

function opensslMac(secret: Uint8Array, prefix: string, body: string | Uint8Array): string {
  return createHmac('sha256', secret).update(prefix).update(body).digest('hex')
}

describe('node backend HMAC', () => {
  test.each(rfc4231.cases.map((c) => [c.id, c] as const))('%s → the RFC 4231 tag', (_id, c) => {
    const key = prepareNodeKey(Buffer.from(c.keyHex, 'hex'))
    const tag = hex(nodeMac(key, '', Buffer.from(c.dataHex, 'hex')))
    // Case 5 publishes a truncated tag: compare its length of prefix.
    expect(tag.slice(0, c.macHex.length)).toBe(c.macHex)
  })

  // Sizes around the switch to createHmac: the message is 64 bytes of pad + prefix + body.
  const prefix = '1700000000.'
  const edge = ONE_SHOT_MAX_BYTES - 64 - prefix.length
  test.each([0, 1, 55, 64, 1024, edge - 1, edge, edge + 1, 4 * ONE_SHOT_MAX_BYTES])(
    '%i-byte body, bytes and string → the createHmac tag',
    (size) => {
      const secret = Buffer.from('whsec_test_secret_0123456789abcdef')
      const body = 'é'.repeat(Math.floor(size / 2)) + (size % 2 ? 'x' : '')
      const key = prepareNodeKey(secret)
      expect(hex(nodeMac(key, prefix, body))).toBe(opensslMac(secret, prefix, body))
      const bytes = Buffer.from(body)
      expect(hex(nodeMac(key, prefix, bytes))).toBe(opensslMac(secret, prefix, bytes))
    },
  )

  test('any key (1–200 bytes), prefix and body (string with lone surrogates, or bytes) → the createHmac tag', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.stringMatching(/^[0-9]{0,10}\.?$/),
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 3000 }),
          fc.string({ unit: fc.constantFrom('a', 'é', '\ud83d', '\ude00', '😀'), maxLength: 9000 }),
          fc.uint8Array({ maxLength: 20_000 }),
        ),
        (secret, head, body) => {
          const key = prepareNodeKey(secret)
          expect(hex(nodeMac(key, head, body))).toBe(opensslMac(secret, head, body))
        },
      ),
      { numRuns: 400 },
    )
  })

  test('two keys used in turn → each keeps its own tag (the shared buffers carry nothing over)', () => {
    const a = prepareNodeKey(Buffer.from('first-secret'))
    const b = prepareNodeKey(Buffer.alloc(100, 7))
    const tags = nodeBackend.macAllSync([a, b, a], '1.', 'body')
    expect(tags.map(hex)).toEqual([
      opensslMac(Buffer.from('first-secret'), '1.', 'body'),
      opensslMac(Buffer.alloc(100, 7), '1.', 'body'),
      opensslMac(Buffer.from('first-secret'), '1.', 'body'),
    ])
  })

  // Node's allocUnsafe hands out slices of one shared 8 KiB pool; a Buffer leaked anywhere in the process
  // (buffer.buffer of a pooled slice) would expose whatever else sits in it. Key pads and tags never do.
  test('prepareNodeKey / nodeMac → pads and tags in memory of their own, not in the shared Buffer pool', () => {
    const key = prepareNodeKey(Buffer.from('whsec-like-production-secret'))
    expect(key.innerPad.buffer.byteLength).toBe(64)
    expect(key.outerPad.buffer.byteLength).toBe(64)
    for (const body of ['small', 'x'.repeat(2000), new Uint8Array(100), 'x'.repeat(4 * ONE_SHOT_MAX_BYTES)]) {
      const tag = nodeMac(key, '1700000000.', body)
      expect(tag.byteLength).toBe(32)
      expect(tag.buffer.byteLength).toBe(32)
    }
  })
})

import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { nodeBackend } from '../src/backend/node.js'
import { webBackend } from '../src/backend/web.js'
import { isWebhookVerificationError } from '../src/errors.js'
import { createSignerWith } from '../src/signer.js'
import { createVerifierWith } from '../src/verifier.js'

const secretArb = fc.string({ minLength: 1, maxLength: 64 }).filter((s) => s.trim() === s && s.trim() !== '')
const timestampArb = fc.integer({ min: 1, max: 9_999_999_999 })
const entryArb = fc.record({
  id: fc.string({ minLength: 1 }),
  action: fc.string(),
  note: fc.string({ unit: 'binary' }),
})

function bodyOf(entry: unknown): string {
  return JSON.stringify({ event: 'entry_persisted', data: entry })
}

describe.each([
  ['node:crypto', nodeBackend],
  ['noble / Web Crypto', webBackend],
] as const)('properties (%s)', (_name, backend) => {
  test('any payload/secret/timestamp: sign → verify round-trips', async () => {
    await fc.assert(
      fc.asyncProperty(entryArb, secretArb, timestampArb, async (entry, secret, timestamp) => {
        const body = bodyOf(entry)
        const headers = createSignerWith(backend as never, { secret }).signSync(body, { timestamp })
        const verifier = createVerifierWith(backend as never, { secret, now: () => timestamp * 1000 })
        const webhook = await verifier.verify({ payload: body, headers })
        expect(webhook.id).toBe(entry.id)
        expect(verifier.verifySync({ payload: body, headers }).timestamp).toBe(timestamp)
      }),
      { numRuns: 200 },
    )
  })

  test('any single-byte change to the body → SIGNATURE_MISMATCH', () => {
    fc.assert(
      fc.property(entryArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (entry, at, delta) => {
        const bytes = new TextEncoder().encode(bodyOf(entry))
        const headers = createSignerWith(backend as never, { secret: 'k' }).signSync(bytes, {
          timestamp: 1_700_000_000,
        })
        const changed = bytes.slice()
        const index = at % changed.length
        changed[index] = (changed[index]! + delta) % 256
        const verifier = createVerifierWith(backend as never, { secret: 'k', now: () => 1_700_000_000_000 })
        expect(() => verifier.verifySync({ payload: changed, headers })).toThrow(
          expect.objectContaining({ code: 'SIGNATURE_MISMATCH' }),
        )
      }),
      { numRuns: 300 },
    )
  })

  test('any change to t or to a v1 hex digit → rejected', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 63 }),
        fc.integer({ min: 1, max: 15 }),
        fc.integer({ min: 1, max: 200 }),
        (at, delta, shift) => {
          const body = bodyOf({ id: '1' })
          const t = 1_700_000_000
          const hex = createSignerWith(backend as never, { secret: 'k', format: 'legacy' }).signSync(body, {
            timestamp: t,
          })['x-ledgerly-signature']!
          const flipped =
            hex.slice(0, at) + ((Number.parseInt(hex[at]!, 16) + delta) % 16).toString(16) + hex.slice(at + 1)
          const verifier = createVerifierWith(backend as never, { secret: 'k', now: () => t * 1000 })
          const codeOf = (headers: Record<string, string>) => {
            try {
              verifier.verifySync({ payload: body, headers })
              return 'valid'
            } catch (error) {
              return (error as { code: string }).code
            }
          }
          expect(codeOf({ 'x-ledgerly-signature': `t=${t},v1=${flipped}` })).toBe('SIGNATURE_MISMATCH')
          expect(codeOf({ 'x-ledgerly-signature': `t=${t + shift},v1=${hex}` })).toBe('SIGNATURE_MISMATCH')
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe('hostile header strings', () => {
  const verifier = createVerifierWith(nodeBackend, { secret: 'k', now: () => 1_700_000_000_000 })
  const pieces = fc.constantFrom(
    't=',
    'v1=',
    ',',
    '=',
    ' ',
    '\t',
    '1700000000',
    'a'.repeat(64),
    'é',
    '\u0000',
    'V1=',
    'v0=',
  )
  const headerArb = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.string({ maxLength: 300, unit: 'binary' }),
    fc.array(pieces, { maxLength: 60 }).map((parts) => parts.join('')),
  )

  test('any random signature/timestamp header → WebhookVerificationError, never another throw', async () => {
    await fc.assert(
      fc.asyncProperty(headerArb, fc.option(headerArb), async (signature, timestamp) => {
        const headers: Record<string, string> = { 'x-ledgerly-signature': signature }
        if (timestamp !== null) headers['x-ledgerly-timestamp'] = timestamp
        const error = await verifier.verify({ payload: '{}', headers }).then(
          () => undefined,
          (e: unknown) => e,
        )
        expect(isWebhookVerificationError(error)).toBe(true)
      }),
      { numRuns: 1000 },
    )
  })
})

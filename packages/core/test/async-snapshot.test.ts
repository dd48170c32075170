import { describe, expect, test } from 'vitest'
import { nodeBackend } from '../src/backend/node.js'
import type { CryptoBackend } from '../src/backend/types.js'
import { webBackend } from '../src/backend/web.js'
import { signSync } from '../src/index.js'
import { createVerifierWith } from '../src/verifier.js'

// A server may reuse or transfer its body buffer while the async forms wait for Web Crypto. What they parse
// must be the bytes the signature covered, on every backend. `raw` is the caller's own buffer where the work
// finished on the call (node:crypto is synchronous even in the async forms), and a copy where it had to wait.
const SECRET = 'whsec-snapshot-test'
const T = 1_700_000_000
const signedText = JSON.stringify({ event: 'entry_persisted', data: { id: 'entry_1', amount: 100 } })
const forgedText = JSON.stringify({ event: 'entry_persisted', data: { id: 'entry_1', amount: 999 } })
const headers = signSync(signedText, { secret: SECRET, timestamp: T })

const backends = [
  ['node:crypto', nodeBackend, 'the caller buffer'],
  ['Web Crypto', webBackend, 'a copy'],
] as const

function verifierFor(backend: CryptoBackend<unknown>) {
  return createVerifierWith(backend, { secret: SECRET, now: () => T * 1000 })
}

describe.each(backends)('%s backend, async forms (raw is %s)', (_name, backend, raw) => {
  const signedRaw = raw === 'a copy'
  const verifier = verifierFor(backend as CryptoBackend<unknown>)

  test('verify(bytes), buffer overwritten before the await → the signed data and raw bytes', async () => {
    const buffer = new TextEncoder().encode(signedText)
    const pending = verifier.verify({ payload: buffer, headers })
    buffer.set(new TextEncoder().encode(forgedText)) // same length: only the amount differs
    const webhook = await pending
    expect((webhook.data as unknown as { amount: number }).amount).toBe(100)
    expect(webhook.body).toEqual(JSON.parse(signedText))
    expect(new TextDecoder().decode(webhook.raw)).toBe(signedRaw ? signedText : forgedText)
  })

  test('verifySignature(bytes), buffer overwritten before the await → raw as documented', async () => {
    const buffer = new TextEncoder().encode(signedText)
    const pending = verifier.verifySignature({ payload: buffer, headers })
    buffer.fill(0x20)
    expect(new TextDecoder().decode((await pending).raw)).toBe(
      signedRaw ? signedText : ' '.repeat(signedText.length),
    )
  })

  test('verify(ArrayBuffer), buffer transferred before the await → verified, not an empty body', async () => {
    const bytes = new TextEncoder().encode(signedText)
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
    const pending = verifier.verify({ payload: buffer, headers })
    structuredClone(buffer, { transfer: [buffer] })
    expect(buffer.byteLength).toBe(0)
    const webhook = await pending
    expect(webhook.id).toBe('entry_1')
    expect(webhook.raw.byteLength).toBe(signedRaw ? bytes.byteLength : 0)
  })
})

describe.each(backends)('%s backend, async forms, a Node Buffer payload', (_name, backend, raw) => {
  const verifier = verifierFor(backend as CryptoBackend<unknown>)

  // Buffer#slice is a view of the same memory: a "copy" made with it still saw the caller's writes.
  test('verify(Buffer), buffer overwritten before the await → the signed data', async () => {
    const buffer = Buffer.from(signedText)
    const pending = verifier.verify({ payload: buffer, headers })
    buffer.write(forgedText)
    const webhook = await pending
    expect((webhook.data as unknown as { amount: number }).amount).toBe(100)
    expect(new TextDecoder().decode(webhook.raw)).toBe(raw === 'a copy' ? signedText : forgedText)
  })

  test('verifySignature(Buffer), buffer overwritten before the await → raw as documented', async () => {
    const buffer = Buffer.from(signedText)
    const pending = verifier.verifySignature({ payload: buffer, headers })
    buffer.fill(0x20)
    expect(new TextDecoder().decode((await pending).raw)).toBe(
      raw === 'a copy' ? signedText : ' '.repeat(signedText.length),
    )
  })
})

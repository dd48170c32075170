import { Buffer } from 'node:buffer'
import type { KeyObject } from 'node:crypto'
import * as nodeCrypto from 'node:crypto'
import type { Body } from '../payload.js'

/** SHA-256 block size, in bytes (RFC 2104's B). */
const BLOCK = 64
/** SHA-256 digest size, in bytes (RFC 2104's L). */
const DIGEST = 32
/**
 * Largest `pad || prefix || body` hashed in one shot. Below it, copying the message once costs less than
 * the `Hmac` object `createHmac` builds per call; above it, streaming through `createHmac` wins.
 */
export const ONE_SHOT_MAX_BYTES = 16 * 1024

/** A key prepared once: OpenSSL's key object, and RFC 2104's inner and outer padded keys. */
export interface NodeKey {
  readonly key: KeyObject
  readonly innerPad: Buffer
  readonly outerPad: Buffer
}

/**
 * `crypto.hash` with a `'latin1'` string out: one character per digest byte. Asking for a string rather
 * than a `Buffer` is deliberate: Node builds an output `Buffer` in C++ with its own backing store, which
 * costs more than hashing 1 KiB (about 1.9 µs against 0.6 µs for a 96-byte message on the benchmark machine);
 * a 32-character string is cheap and writes back into bytes exactly.
 */
type OneShotHash = (algorithm: string, data: Uint8Array, outputEncoding: 'latin1') => string

/**
 * `crypto.hash` (Node ≥ 20.12), only when its `'latin1'` output matches `createHash`. Bun and Deno resolve
 * this build too; if their `node:crypto` lacks it or answers differently, every MAC goes through
 * `createHmac`.
 */
function detectOneShot(): OneShotHash | undefined {
  const hash = (nodeCrypto as { hash?: unknown }).hash
  if (typeof hash !== 'function') return undefined
  try {
    const data = new Uint8Array([0x80, 0xff, 0x00, 0x61])
    const probe = (hash as OneShotHash)('sha256', data, 'latin1')
    const expected = nodeCrypto.createHash('sha256').update(data).digest()
    return typeof probe === 'string' &&
      probe.length === DIGEST &&
      expected.equals(Buffer.from(probe, 'latin1'))
      ? (hash as OneShotHash)
      : undefined
  } catch {
    return undefined
  }
}

const oneShot = detectOneShot()

// One message buffer and one outer block, reused by every call: the MAC is computed synchronously, so no
// two calls can interleave. The message buffer starts with the inner pad of whichever key is in use.
// Anything holding key material (the pads) or a tag gets memory of its own, never a slice of Node's shared
// Buffer pool: the pool also backs other code's small Buffers, and one `buffer.buffer` handed out by any
// library in the process would expose all of it.
const message = Buffer.allocUnsafeSlow(ONE_SHOT_MAX_BYTES)
const outer = Buffer.allocUnsafeSlow(BLOCK + DIGEST)

/** Prepares a secret: its key object, and its padded keys (a key longer than a block is hashed first). */
export function prepareNodeKey(secret: Uint8Array): NodeKey {
  const key = nodeCrypto.createSecretKey(secret)
  const block = Buffer.alloc(BLOCK)
  block.set(secret.length > BLOCK ? nodeCrypto.createHash('sha256').update(secret).digest() : secret)
  const innerPad = Buffer.allocUnsafeSlow(BLOCK)
  const outerPad = Buffer.allocUnsafeSlow(BLOCK)
  for (let i = 0; i < BLOCK; i++) {
    innerPad[i] = block[i]! ^ 0x36
    outerPad[i] = block[i]! ^ 0x5c
  }
  block.fill(0)
  return { key, innerPad, outerPad }
}

/**
 * Writes `prefix || body` after the message buffer's first block and returns the message length, or
 * `undefined` when it does not fit. A string body is encoded once: UTF-8 takes at most 3 bytes per UTF-16
 * unit, so when even that fits, the length `write` reports is the length; only a longer string is measured
 * first.
 */
function writeMessage(prefix: string, body: Body): number | undefined {
  // The prefix is ASCII (`T.` or `id.T.`): one byte per character.
  const bodyStart = BLOCK + prefix.length
  const room = ONE_SHOT_MAX_BYTES - bodyStart
  if (typeof body === 'string') {
    if (body.length * 3 > room && Buffer.byteLength(body, 'utf8') > room) return undefined
    message.write(prefix, BLOCK, 'latin1')
    return bodyStart + message.write(body, bodyStart, 'utf8')
  }
  if (body.length > room) return undefined
  message.write(prefix, BLOCK, 'latin1')
  message.set(body, bodyStart)
  return bodyStart + body.length
}

/**
 * HMAC-SHA256 over `prefix || body`. Small messages use the RFC 2104 construction over two one-shot
 * SHA-256 calls, which build no `Hmac` object (one per call showed as GC and setup cost in servers
 * verifying thousands of requests a second); large ones stream through `createHmac`, with no copy.
 * Both are checked against each other and against RFC 4231 in the tests.
 */
export function nodeMac(key: NodeKey, prefix: string, body: Body): Uint8Array {
  if (oneShot !== undefined) {
    const length = writeMessage(prefix, body)
    if (length !== undefined) {
      message.set(key.innerPad, 0)
      outer.set(key.outerPad, 0)
      outer.write(oneShot('sha256', message.subarray(0, length), 'latin1'), BLOCK, 'latin1')
      // A 32-byte typed array lives on V8's heap, outside the shared pool, and costs less than the Buffer
      // `crypto.hash` would build (or a pooled slice).
      const digest = oneShot('sha256', outer, 'latin1')
      const tag = new Uint8Array(DIGEST)
      for (let i = 0; i < DIGEST; i++) tag[i] = digest.charCodeAt(i)
      return tag
    }
  }
  // update() takes strings as UTF-8 natively: no TextEncoder round trip, no copy of a byte body.
  return nodeCrypto.createHmac('sha256', key.key).update(prefix).update(body).digest()
}

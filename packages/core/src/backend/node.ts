import { Buffer, isAscii, isUtf8 } from 'node:buffer'
import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto'
import type { Body } from '../payload.js'
import type { CryptoBackend } from './types.js'

function nodeMac(key: KeyObject, prefix: string, body: Body): Uint8Array {
  // update() takes strings as UTF-8 natively: no TextEncoder round trip, no copy of a byte body.
  return createHmac('sha256', key).update(prefix).update(body).digest()
}

/**
 * `node:crypto`: OpenSSL HMAC, synchronous and fed in two parts so the body is never copied. Selected by
 * the `node` export condition (Node, Bun and Deno resolve it).
 */
export const nodeBackend: CryptoBackend<KeyObject> = {
  name: 'node',
  prepareKey(secret) {
    return createSecretKey(secret)
  },
  macAllSync(keys, prefix, body) {
    return keys.map((key) => nodeMac(key, prefix, body))
  },
  async macAll(keys, prefix, body) {
    return keys.map((key) => nodeMac(key, prefix, body))
  },
  decode(bytes) {
    // isAscii/isUtf8 validate in native code; latin1 is the fastest exact decode of ASCII.
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    if (isAscii(buffer)) return buffer.toString('latin1')
    return isUtf8(buffer) ? buffer.toString('utf8') : undefined
  },
  equal(a, b) {
    return a.length === b.length && timingSafeEqual(a, b)
  },
}

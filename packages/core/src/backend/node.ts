import { Buffer, isAscii, isUtf8 } from 'node:buffer'
import { timingSafeEqual } from 'node:crypto'
import type { Body } from '../payload.js'
import { type NodeKey, nodeMac, prepareNodeKey } from './node-hmac.js'
import type { CryptoBackend } from './types.js'

function macAllNode(keys: readonly NodeKey[], prefix: string, body: Body): Uint8Array[] {
  return keys.map((key) => nodeMac(key, prefix, body))
}

/**
 * `node:crypto`: OpenSSL's SHA-256, synchronous (see {@link nodeMac} for how small and large messages are
 * hashed). Selected by the `node` export condition (Node, Bun and Deno resolve it).
 */
export const nodeBackend: CryptoBackend<NodeKey> = {
  name: 'node',
  prepareKey: prepareNodeKey,
  macAllSync: macAllNode,
  // Synchronous on purpose: the async forms use the tags as they are, with no promise per request.
  macAll: macAllNode,
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

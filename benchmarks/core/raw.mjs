// Hand-rolled verifiers on each raw primitive: the baselines our three crypto paths are held against.
// Each one does what a hand-written verifier must per request (decode the header's hex tag, build the
// signed content, HMAC, constant-time compare) and nothing more: no header lookup, no JSON.
// `raw-subtle` and `raw-noble-keyed` come from raw-web.mjs (shared with web-runtimes.mjs); the rest are here.
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { hexToBytes } from '@noble/hashes/utils.js'
import { SECRET } from './fixtures.mjs'
import { equalTags, signedContent, webKeys, webRawVerifiers } from './raw-web.mjs'

const keyBytes = new TextEncoder().encode(SECRET)
const nodeKey = createSecretKey(keyBytes)
const keys = await webKeys(keyBytes)

/**
 * The raw verifiers for one fixture, keyed by id. `hexTag` may be overridden to prove each returns false on
 * a wrong tag (so the benchmark cannot be timing a function that always says yes).
 */
export function rawVerifiers(fixture, hexTag = fixture.hexTag) {
  const { timestamp, body } = fixture
  const prebuilt = signedContent(timestamp, body)
  const web = webRawVerifiers(fixture, keys, hexTag)
  return {
    'raw-node': function rawNode() {
      const expected = Buffer.from(hexTag, 'hex')
      const mac = createHmac('sha256', nodeKey).update(`${timestamp}.`).update(body).digest()
      return mac.length === expected.length && timingSafeEqual(mac, expected)
    },
    'raw-subtle': web['raw-subtle'],
    // The floor: the signed content built once outside the loop, which no real verifier can do.
    'raw-subtle-prebuilt': async function rawSubtlePrebuilt() {
      const expected = hexToBytes(hexTag)
      return equalTags(new Uint8Array(await crypto.subtle.sign('HMAC', keys.subtleKey, prebuilt)), expected)
    },
    'raw-noble': function rawNoble() {
      const expected = hexToBytes(hexTag)
      return equalTags(hmac(sha256, keyBytes, signedContent(timestamp, body)), expected)
    },
    'raw-noble-keyed': web['raw-noble-keyed'],
  }
}

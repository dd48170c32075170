// Hand-rolled verifiers on each raw primitive: the baselines our three crypto paths are held against.
// Each one does what a hand-written verifier must per request (decode the header's hex tag, build the
// signed content, HMAC, constant-time compare) and nothing more: no header lookup, no JSON.
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { hexToBytes } from '@noble/hashes/utils.js'
import { SECRET } from './fixtures.mjs'

const encoder = new TextEncoder()
const keyBytes = encoder.encode(SECRET)
const nodeKey = createSecretKey(keyBytes)
const subtleKey = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, [
  'sign',
])
const nobleKeyed = hmac.create(sha256, keyBytes)

/** Constant-time equality, as a hand-rolled web verifier writes it. */
function equalTags(a, b) {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i]
  return diff === 0
}

function signedContent(timestamp, body) {
  const prefix = encoder.encode(`${timestamp}.`)
  const message = new Uint8Array(prefix.length + body.length)
  message.set(prefix)
  message.set(body, prefix.length)
  return message
}

/**
 * The raw verifiers for one fixture, keyed by id. `hexTag` may be overridden to prove each returns false on
 * a wrong tag (so the benchmark cannot be timing a function that always says yes).
 */
export function rawVerifiers(fixture, hexTag = fixture.hexTag) {
  const { timestamp, body } = fixture
  const prebuilt = signedContent(timestamp, body)
  return {
    'raw-node': function rawNode() {
      const expected = Buffer.from(hexTag, 'hex')
      const mac = createHmac('sha256', nodeKey).update(`${timestamp}.`).update(body).digest()
      return mac.length === expected.length && timingSafeEqual(mac, expected)
    },
    'raw-subtle': async function rawSubtle() {
      const expected = hexToBytes(hexTag)
      const mac = await crypto.subtle.sign('HMAC', subtleKey, signedContent(timestamp, body))
      return equalTags(new Uint8Array(mac), expected)
    },
    // The floor: the signed content built once outside the loop, which no real verifier can do.
    'raw-subtle-prebuilt': async function rawSubtlePrebuilt() {
      const expected = hexToBytes(hexTag)
      return equalTags(new Uint8Array(await crypto.subtle.sign('HMAC', subtleKey, prebuilt)), expected)
    },
    'raw-noble': function rawNoble() {
      const expected = hexToBytes(hexTag)
      return equalTags(hmac(sha256, keyBytes, signedContent(timestamp, body)), expected)
    },
    'raw-noble-keyed': function rawNobleKeyed() {
      const expected = hexToBytes(hexTag)
      const mac = nobleKeyed
        .clone()
        .update(encoder.encode(`${timestamp}.`))
        .update(body)
        .digest()
      return equalTags(mac, expected)
    },
  }
}

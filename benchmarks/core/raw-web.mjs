// The hand-rolled verifiers on web primitives (Web Crypto and a keyed @noble/hashes HMAC) and the helpers
// a hand-written web verifier needs. Runtime-neutral (no `node:` import, no Buffer): raw.mjs adds the
// node:crypto baseline on Node, web-runtimes.mjs runs these unchanged on Node, Bun and Deno.
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { hexToBytes } from '@noble/hashes/utils.js'

const encoder = new TextEncoder()

/** The HMAC keys the web baselines use, made once from the secret's bytes: a Web Crypto key and a keyed noble HMAC. */
export async function webKeys(keyBytes) {
  const subtleKey = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ])
  return { subtleKey, nobleKeyed: hmac.create(sha256, keyBytes) }
}

/** Constant-time equality, as a hand-rolled web verifier writes it. */
export function equalTags(a, b) {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i]
  return diff === 0
}

/** The bytes Ledgerly signs: `${timestamp}.` followed by the body, in one new array. */
export function signedContent(timestamp, body) {
  const prefix = encoder.encode(`${timestamp}.`)
  const message = new Uint8Array(prefix.length + body.length)
  message.set(prefix)
  message.set(body, prefix.length)
  return message
}

/** `hexTag` with its first digit changed: a wrong tag each baseline must reject before it is timed. */
export function wrongHexTag(hexTag) {
  return hexTag.replace(/^./, (c) => (c === '0' ? '1' : '0'))
}

/**
 * `raw-subtle` and `raw-noble-keyed` for one fixture (`timestamp`, `body`), keyed by id. `hexTag` may be
 * overridden to prove each returns false on a wrong tag.
 */
export function webRawVerifiers(fixture, { subtleKey, nobleKeyed }, hexTag = fixture.hexTag) {
  const { timestamp, body } = fixture
  return {
    // The message is concatenated on each call: Web Crypto cannot stream.
    'raw-subtle': async function rawSubtle() {
      const expected = hexToBytes(hexTag)
      const mac = await crypto.subtle.sign('HMAC', subtleKey, signedContent(timestamp, body))
      return equalTags(new Uint8Array(mac), expected)
    },
    // A keyed noble HMAC built once and cloned per call, as our backend does.
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

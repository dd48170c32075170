import type { Body } from '../payload.js'

/**
 * What the verifier needs from a crypto implementation: keys prepared once, then HMAC-SHA256 over
 * `prefix || body` for every key. The prefix is ASCII (`T.` or `id.T.`); a string body is UTF-8.
 */
export interface CryptoBackend<Key = unknown> {
  /** `'node'` for `node:crypto`; `'web'` for Web Crypto with `@noble/hashes` for the synchronous forms. */
  readonly name: 'node' | 'web'
  prepareKey(secret: Uint8Array): Key
  macAllSync(keys: readonly Key[], prefix: string, body: Body): Uint8Array[]
  /**
   * The same, for the async forms. A backend that hashes synchronously (node:crypto) returns the tags
   * themselves, and callers skip the promise hop: it is measurable per request at 1 KiB.
   */
  macAll(keys: readonly Key[], prefix: string, body: Body): Uint8Array[] | Promise<Uint8Array[]>
  /** Strict UTF-8 decode (BOM kept); `undefined` when the bytes are not valid UTF-8. */
  decode(bytes: Uint8Array): string | undefined
  /** Constant-time equality of two tags of public, equal length. */
  equal(a: Uint8Array, b: Uint8Array): boolean
}

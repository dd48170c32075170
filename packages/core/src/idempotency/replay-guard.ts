import { sha256 } from '@noble/hashes/sha2.js'
import { toHex } from '../bytes.js'
import { DEFAULT_TOLERANCE_SECONDS } from '../options.js'
import type { VerifiedWebhookBase } from '../types.js'
import type { VerifiedSignature } from '../verifier.js'
import { memoryStore } from './memory-store.js'
import { assertStore, type IdempotencyStore } from './store.js'

/**
 * What a {@link ReplayGuard} decided: the first sighting of this exact signed request, or a repeat.
 *
 * @example
 * ```ts
 * const verdict: ReplayVerdict = await checkReplay(webhook) // 'fresh' | 'replay'
 * ```
 */
export type ReplayVerdict = 'fresh' | 'replay'

/**
 * Checks one verified request: what `verify()` or `verifySignature()` (or their `Sync` forms) returned;
 * see {@link createReplayGuard}.
 *
 * @example
 * ```ts
 * const checkReplay: ReplayGuard = createReplayGuard()
 * await checkReplay(await verifier.verifySignature({ payload: rawBody, headers }))
 * ```
 */
export type ReplayGuard = (webhook: VerifiedWebhookBase | VerifiedSignature) => Promise<ReplayVerdict>

/**
 * Options of {@link createReplayGuard}.
 *
 * @example
 * ```ts
 * const options: ReplayGuardOptions = { store: memoryStore({ maxEntries: 50_000 }), toleranceSeconds: 300 }
 * ```
 */
export interface ReplayGuardOptions {
  /** Where sightings are remembered. Default: a new `memoryStore()`; share a `redisStore()` across instances. */
  store?: IdempotencyStore
  /** The verifier's tolerance in seconds (default 300). Pass the same value you gave the verifier. */
  toleranceSeconds?: number
}

const encoder = new TextEncoder()

const NOT_VERIFIED = 'pass the result of verify()/verifySignature()'

/**
 * The signed content before the body: `T.` for Ledgerly; `id.T.` for Standard Webhooks, the `webhook-id`
 * being `id` in what verify() returns and `messageId` in what verifySignature() returns.
 */
function signedPrefix(webhook: VerifiedWebhookBase | VerifiedSignature): string {
  if (webhook.scheme !== 'standard-webhooks') return `${webhook.timestamp}.`
  const id = (webhook as { id?: unknown }).id ?? (webhook as { messageId?: unknown }).messageId
  if (typeof id !== 'string') {
    throw new TypeError(`createReplayGuard: this Standard Webhooks result has no webhook-id; ${NOT_VERIFIED}`)
  }
  return `${id}.${webhook.timestamp}.`
}

/** SHA-256 of the signed content (`[id.]T.` + body), with Web Crypto where present (native, off-thread). */
async function signedContentDigest(webhook: VerifiedWebhookBase | VerifiedSignature): Promise<string> {
  const head = encoder.encode(signedPrefix(webhook))
  const content = new Uint8Array(head.length + webhook.raw.length)
  content.set(head)
  content.set(webhook.raw, head.length)
  const subtle = globalThis.crypto?.subtle
  if (subtle) return toHex(new Uint8Array(await subtle.digest('SHA-256', content)))
  return toHex(sha256(content))
}

/**
 * Builds a guard that reports a replay of the exact same signed request: a captured request played back,
 * a duplicating proxy, or a genuine retry re-signed within the same second. A genuine sender re-signs
 * every attempt with a fresh timestamp, but `T` is in whole seconds, so a retry sent in the same second as
 * the attempt before it (backoff 0) is byte-identical. So answer a replay with **503 and `Retry-After`**,
 * never a 4xx, which the Ledgerly sender treats as permanent: its retry comes in a later second with a
 * fresh timestamp, which is no replay, while a replaying attacker gains nothing. Call it after
 * verification, so only genuine requests take space. It takes what `verify()` or `verifySignature()`
 * (or their `Sync` forms) returned.
 *
 * The key is the SHA-256 of the signed content (timestamp, `webhook-id` for Standard Webhooks, body) —
 * which is what the signature value vouches for — rather than the signature header text, because that
 * text can be edited without invalidating it (spaces, unknown elements, one `v1` dropped during
 * rotation). A sighting is remembered for 2 × tolerance + 1 s: the verifier accepts a timestamp `T` for
 * every `now` in `[T - tolerance, T + tolerance]`, a window of 2 × tolerance, after which it rejects the
 * request as too old anyway.
 *
 * @example
 * ```ts
 * import { createVerifier } from '@ledgerly/webhooks'
 * import { createReplayGuard } from '@ledgerly/webhooks/idempotency'
 *
 * const verifier = createVerifier({ secret, tolerance: 300 })
 * const checkReplay = createReplayGuard({ toleranceSeconds: 300 })
 *
 * const webhook = await verifier.verify({ payload: rawBody, headers })
 * if ((await checkReplay(webhook)) === 'replay') {
 *   // Maybe a genuine retry re-signed in the same second: ask for it again later, never with a 4xx.
 *   return new Response(null, { status: 503, headers: { 'retry-after': '1' } })
 * }
 * ```
 */
export function createReplayGuard(options: ReplayGuardOptions = {}): ReplayGuard {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createReplayGuard: options must be an object')
  }
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS
  if (typeof tolerance !== 'number' || !Number.isInteger(tolerance) || tolerance < 0 || tolerance > 86_400) {
    throw new RangeError(
      `createReplayGuard: "toleranceSeconds" must be a whole number from 0 to 86400, got ${String(tolerance)}`,
    )
  }
  const store = options.store ?? memoryStore()
  assertStore(store, 'createReplayGuard')
  const rememberMs = (2 * tolerance + 1) * 1000

  /**
   * Turns the sighting's lease into a done mark for the same time: a bounded memoryStore never evicts a
   * live lease (it may guard a running handler), but may evict a done mark, so sightings stay within its
   * bound. If this fails the lease still remembers the sighting just as long, so the error is ignored.
   */
  async function markSeen(key: string): Promise<void> {
    try {
      await store.complete(key, rememberMs)
    } catch {
      // The claim's lease already covers the whole window.
    }
  }

  return async function checkReplay(
    webhook: VerifiedWebhookBase | VerifiedSignature,
  ): Promise<ReplayVerdict> {
    const candidate = webhook as Partial<VerifiedWebhookBase> | null
    if (typeof candidate !== 'object' || candidate === null || !(candidate.raw instanceof Uint8Array)) {
      throw new TypeError(`createReplayGuard: ${NOT_VERIFIED}`)
    }
    const key = `replay:${webhook.scheme}:${await signedContentDigest(webhook)}`
    if ((await store.claim(key, rememberMs)) !== 'claimed') return 'replay'
    await markSeen(key)
    return 'fresh'
  }
}

import { sha256 } from '@noble/hashes/sha2.js'
import { DEFAULT_TOLERANCE_SECONDS } from '../options.js'
import type { VerifiedWebhookBase } from '../types.js'
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
 * Checks one verified webhook; see {@link createReplayGuard}.
 *
 * @example
 * ```ts
 * const checkReplay: ReplayGuard = createReplayGuard()
 * ```
 */
export type ReplayGuard = (webhook: VerifiedWebhookBase) => Promise<ReplayVerdict>

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

function toHex(bytes: Uint8Array): string {
  let hex = ''
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0')
  return hex
}

/** SHA-256 of the signed content (`[id.]T.` + body), with Web Crypto where present (native, off-thread). */
async function signedContentDigest(webhook: VerifiedWebhookBase): Promise<string> {
  const prefix =
    webhook.scheme === 'standard-webhooks' ? `${webhook.id}.${webhook.timestamp}.` : `${webhook.timestamp}.`
  const head = encoder.encode(prefix)
  const content = new Uint8Array(head.length + webhook.raw.length)
  content.set(head)
  content.set(webhook.raw, head.length)
  const subtle = globalThis.crypto?.subtle
  if (subtle) return toHex(new Uint8Array(await subtle.digest('SHA-256', content)))
  return toHex(sha256(content))
}

/**
 * Builds a guard that reports a replay of the exact same signed request. A genuine sender re-signs every
 * attempt with a fresh timestamp, so the same signature seen twice is a captured request played back (or
 * a duplicating proxy). Call it after verification, so only genuine requests take space.
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
 * if ((await checkReplay(webhook)) === 'replay') return new Response('replayed request', { status: 409 })
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

  return async function checkReplay(webhook: VerifiedWebhookBase): Promise<ReplayVerdict> {
    const candidate = webhook as Partial<VerifiedWebhookBase> | null
    if (typeof candidate !== 'object' || candidate === null || !(candidate.raw instanceof Uint8Array)) {
      throw new TypeError('createReplayGuard: pass the VerifiedWebhook that verify() returned')
    }
    const key = `replay:${webhook.scheme}:${await signedContentDigest(webhook)}`
    return (await store.claim(key, rememberMs)) === 'claimed' ? 'fresh' : 'replay'
  }
}

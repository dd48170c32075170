import { sha256 } from '@noble/hashes/sha2.js'
import { toHex } from '../bytes.js'
import type { VerifiedWebhookBase } from '../types.js'

/** Parts longer than this (after escaping) are replaced by their SHA-256, so keys stay short. */
const MAX_PART_LENGTH = 200

// `~` is escaped too: an escaped part then never starts with `~`, so it cannot pose as a hashed one.
const UNSAFE = /[^A-Za-z0-9_.-]/g
const encoder = new TextEncoder()

function escapeUnit(unit: string): string {
  return `%${unit.charCodeAt(0).toString(16).padStart(4, '0')}`
}

/**
 * Escapes one part of a key so that joining parts with `:` is injective: every character outside
 * `[A-Za-z0-9_.-]` (including `%`, `:` and `~`) becomes `%` + four hex digits of its UTF-16 code unit. Code
 * units, not code points, so lone surrogates stay distinct instead of collapsing to U+FFFD when a store
 * encodes the key as UTF-8. A part longer than 200 characters once escaped becomes `~sha256~<hex>`, a
 * form no escaped part can take, since `~` is always escaped.
 */
function keyPart(value: string): string {
  const escaped = value.replace(UNSAFE, escapeUnit)
  if (escaped.length <= MAX_PART_LENGTH) return escaped
  return `~sha256~${toHex(sha256(encoder.encode(escaped)))}`
}

/**
 * The idempotency key of a verified webhook, taken only from what the signature covers:
 * `ledgerly:<event>:<data.id>` for the Ledgerly scheme (the body is signed; the `X-Ledgerly-Event` and
 * `X-Ledgerly-Delivery` headers are not, so they are never used), and `standard-webhooks:<webhook-id>`
 * for Standard Webhooks (the id is part of the signed content). Every retry of one event, re-signed with a
 * fresh timestamp, maps to the same key. Parts are escaped (every character but `A-Z a-z 0-9 _ . -`, so
 * `:`, `%` and `~` included, becomes `%` and four hex digits: `a~b` → `a%007eb`) and parts over 200
 * characters are replaced by `~sha256~<hex>`, so keys are unambiguous and short.
 *
 * @example
 * ```ts
 * import { verify } from '@ledgerly/webhooks'
 * import { idempotencyKey } from '@ledgerly/webhooks/idempotency'
 *
 * const webhook = await verify({ payload: rawBody, headers }, { secret })
 * idempotencyKey(webhook) // 'ledgerly:entry_persisted:entry_01HZX3'
 * ```
 */
export function idempotencyKey(webhook: VerifiedWebhookBase & { event: string }): string {
  const candidate = webhook as { scheme?: unknown; event?: unknown; id?: unknown } | null
  if (typeof candidate !== 'object' || candidate === null) {
    throw new TypeError('idempotencyKey: pass the VerifiedWebhook that verify() returned')
  }
  const { scheme, event, id } = candidate
  if (typeof id !== 'string' || id === '') {
    throw new TypeError(
      'idempotencyKey: the webhook has no "id"; pass the VerifiedWebhook that verify() returned',
    )
  }
  if (scheme === 'ledgerly') {
    if (typeof event !== 'string' || event === '') {
      throw new TypeError(
        'idempotencyKey: the webhook has no "event"; pass the VerifiedWebhook that verify() returned',
      )
    }
    return `ledgerly:${keyPart(event)}:${keyPart(id)}`
  }
  if (scheme === 'standard-webhooks') return `standard-webhooks:${keyPart(id)}`
  throw new TypeError('idempotencyKey: unknown "scheme"; pass the VerifiedWebhook that verify() returned')
}

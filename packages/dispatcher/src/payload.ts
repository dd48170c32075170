import type { WebhookPayload } from './types.js'

// ignoreBOM: a leading byte order mark is part of the bytes given, and is sent (and signed) as given.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const EVENT_NAME = /^[\x21-\x7e]{1,200}$/
const DELIVERY_ID = /^[A-Za-z0-9_.-]{1,128}$/

/**
 * Whether a string is well-formed UTF-16 (no lone surrogate), i.e. has UTF-8 bytes. Native on Node 20
 * (`String.prototype.isWellFormed`, ES2024: newer than the ES2022 library these sources compile against).
 */
export function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed()
}

/**
 * The exact body every attempt sends. Objects are serialised once here; strings and bytes are kept as
 * given (bytes must be UTF-8, because a queue stores the body as text). A string must be well-formed
 * UTF-16: a lone surrogate has no UTF-8 bytes, so it could never be signed and sent as given; refused here,
 * before anything is queued, rather than failing every attempt later. (`JSON.stringify` escapes lone
 * surrogates, so an object never has one.)
 */
export function bodyText(payload: WebhookPayload): string {
  if (typeof payload === 'string') {
    if (!isWellFormed(payload)) {
      throw new TypeError(
        'dispatch: a string payload has a lone surrogate (half of a UTF-16 pair), which UTF-8 cannot carry',
      )
    }
    return payload
  }
  if (payload instanceof Uint8Array) {
    try {
      return strictUtf8.decode(payload)
    } catch {
      throw new TypeError('dispatch: a byte payload must be valid UTF-8')
    }
  }
  if (typeof payload !== 'object' || payload === null) {
    throw new TypeError('dispatch: "payload" must be an object, a string or a Uint8Array')
  }
  let text: string | undefined
  try {
    text = JSON.stringify(payload)
  } catch (error) {
    throw new TypeError(`dispatch: "payload" cannot be serialised as JSON (${(error as Error).message})`)
  }
  if (typeof text !== 'string') throw new TypeError('dispatch: "payload" serialised to nothing')
  return text
}

/** An event name travels in a header: visible ASCII, at most 200 characters. */
export function eventOption(event: unknown): string {
  if (typeof event !== 'string' || !EVENT_NAME.test(event)) {
    throw new TypeError('dispatch: "event" must be 1 to 200 visible ASCII characters, e.g. "entry_persisted"')
  }
  return event
}

/** A caller-chosen delivery id; it ends up in a header and in job ids. */
export function deliveryIdOption(id: unknown): string | undefined {
  if (id === undefined) return undefined
  if (typeof id !== 'string' || !DELIVERY_ID.test(id)) {
    throw new TypeError('dispatch: "deliveryId" must be 1 to 128 letters, digits, "_", "-" or "."')
  }
  return id
}

import { fail } from './errors.js'

/** The body exactly as it arrived: the bytes the signature covers. */
export type RawPayload = string | Uint8Array | ArrayBuffer

/** A raw body kept in the form it came in: a string is hashed and parsed without a byte copy. */
export type Body = string | Uint8Array

/**
 * Accepts the payload a caller handed us as the exact body, refusing anything that is not raw. A parsed
 * object means a body parser ran before us: that is the receiver's bug, so it is PAYLOAD_NOT_RAW.
 */
export function toBody(payload: unknown): Body {
  if (typeof payload === 'string') return payload
  let bytes: Uint8Array | undefined
  try {
    if (payload instanceof Uint8Array) bytes = payload
    // toString, not instanceof: an ArrayBuffer from another realm (a vm context, an iframe) is still raw.
    else if (Object.prototype.toString.call(payload) === '[object ArrayBuffer]')
      bytes = new Uint8Array(payload as ArrayBuffer)
    else if (ArrayBuffer.isView(payload))
      bytes = new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength)
    // A view over a transferred (detached) buffer reads as empty, but copying from it throws, late and
    // differently per backend; so does a view past the end of a shrunk resizable buffer. Probe the empty
    // ones: detached is the receiver's bug (500), out of bounds is an empty body.
    if (bytes?.byteLength === 0) {
      new Uint8Array(bytes.buffer) // throws when the buffer is detached
      bytes = new Uint8Array(0)
    }
  } catch {
    return fail(
      'PAYLOAD_NOT_RAW',
      "payload's buffer is detached (transferred): no bytes are left to verify",
      'verify the body before handing its buffer to a worker or stream',
    )
  }
  return (
    bytes ??
    fail(
      'PAYLOAD_NOT_RAW',
      `payload is ${payload === null ? 'null' : typeof payload}, not the raw body`,
      'pass the raw request body (string or bytes): parsed and re-serialised JSON no longer matches its signature; in Express mount the webhook route before any global express.json(), with express.raw({ type: "application/json" }) or a Ledgerly adapter',
    )
  )
}

/** UTF-8 length of a string without encoding it (lone surrogates count 3, as TextEncoder writes U+FFFD). */
function utf8Length(text: string): number {
  let length = text.length
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) continue
    if (code < 0x800) length += 1
    else if (code >= 0xd800 && code < 0xdc00 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      length += 2 // two UTF-16 units, four bytes
      i++
    } else length += 2
  }
  return length
}

/**
 * The byte length to hold against `max`: exact whenever it could exceed `max`; for a string so short that
 * even 3 bytes per UTF-16 unit stays within `max`, its unit count (no need to count).
 */
export function sizeForLimit(body: Body, max: number): number {
  return typeof body !== 'string' || body.length * 3 <= max ? body.length : utf8Length(body)
}

/**
 * Whether any object in a parsed JSON value has an own `__proto__` key. JSON.parse defines such a key as
 * a plain property (it does not set the prototype), but code that later merges or copies the object
 * (`Object.assign`, deep-merge helpers) would. An explicit stack, not recursion and not a `JSON.parse`
 * reviver: a reviver recurses through the value, so a deeply nested but valid body overflowed the call
 * stack and was answered as invalid JSON (a 4xx, which the sender never retries).
 */
function hasProtoKey(value: unknown): boolean {
  const pending: unknown[] = [value]
  while (pending.length > 0) {
    const next = pending.pop()
    if (typeof next !== 'object' || next === null) continue
    if (Array.isArray(next)) {
      for (const item of next) if (typeof item === 'object' && item !== null) pending.push(item)
      continue
    }
    if (Object.hasOwn(next, '__proto__')) return true
    // Own keys only: a `for…in` would also walk anything a dependency added to Object.prototype, and
    // loop forever on an object that reaches itself through it.
    for (const key of Object.keys(next)) {
      const item = (next as Record<string, unknown>)[key]
      if (typeof item === 'object' && item !== null) pending.push(item)
    }
  }
  return false
}

/** A lone surrogate: a valid pair is one code point under the `u` flag, so it never matches. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u

/**
 * Whether a string body could have come from decoding UTF-8. One with a lone surrogate was hashed as the
 * U+FFFD that TextEncoder writes in its place, so parsing it would hand over data the signature never
 * covered. (`isWellFormed` is native where it exists: Node 20, current browsers.)
 */
export function wellFormed(text: string): boolean {
  const native = (text as { isWellFormed?: () => boolean }).isWellFormed
  return typeof native === 'function' ? native.call(text) : !LONE_SURROGATE.test(text)
}

/**
 * Parses the verified body as JSON. Runs only after the signature matched. Invalid UTF-8 (for a string: a lone
 * surrogate), a byte order mark, invalid JSON and `__proto__` keys (however escaped) are all INVALID_PAYLOAD.
 */
export function parseJsonBody(body: Body, decode: (bytes: Uint8Array) => string | undefined): unknown {
  // A string with a lone surrogate was not decoded from UTF-8: as invalid as the bytes it stands for.
  const text = typeof body === 'string' ? (wellFormed(body) ? body : undefined) : decode(body)
  if (!text) return fail('INVALID_PAYLOAD', text === undefined ? 'body is not valid UTF-8' : 'body is empty')
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    // Anything but a SyntaxError is not the body's fault: let it out as an internal error (5xx).
    if (!(error instanceof SyntaxError)) throw error
    return fail('INVALID_PAYLOAD', 'body is not valid JSON')
  }
  // A key spelled "__proto__" needs that substring or a \u escape; only then walk the value.
  if ((text.includes('__proto__') || text.includes('\\u')) && hasProtoKey(value)) {
    return fail('INVALID_PAYLOAD', 'body has a "__proto__" key')
  }
  return value
}

import { utf8 } from './bytes.js'
import { fail } from './errors.js'

/** The body exactly as it arrived: the bytes the signature covers. */
export type RawPayload = string | Uint8Array | ArrayBuffer

const RAW_BODY_HINT =
  'pass the raw request body (string, Uint8Array or ArrayBuffer) — a JSON parser re-serialises it and the signature no longer matches; in Express use express.raw({ type: "application/json" }) on this route'

/**
 * Turns the payload a caller handed us into the exact bytes to verify, refusing anything that is not raw.
 * A parsed object means a body parser ran before us: that is the receiver's bug, so it is PAYLOAD_NOT_RAW.
 */
export function toPayloadBytes(payload: unknown): Uint8Array {
  if (typeof payload === 'string') return utf8(payload)
  if (payload instanceof Uint8Array) return payload
  if (payload instanceof ArrayBuffer) return new Uint8Array(payload)
  if (ArrayBuffer.isView(payload))
    return new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength)
  const kind = payload === null ? 'null' : Array.isArray(payload) ? 'an array' : typeof payload
  return fail('PAYLOAD_NOT_RAW', `The webhook payload is ${kind}, not the raw body`, RAW_BODY_HINT)
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

function rejectProtoKey(key: string, value: unknown): unknown {
  if (key === '__proto__') fail('INVALID_PAYLOAD', 'The webhook body contains a "__proto__" key')
  return value
}

/**
 * Parses the verified body as JSON. Runs only after the signature matched. Invalid UTF-8, a byte order
 * mark, invalid JSON and `__proto__` keys (however escaped) are all INVALID_PAYLOAD.
 */
export function parseJsonBody(bytes: Uint8Array): unknown {
  let text: string
  try {
    text = decoder.decode(bytes)
  } catch {
    return fail('INVALID_PAYLOAD', 'The webhook body is not valid UTF-8')
  }
  if (text.length === 0) return fail('INVALID_PAYLOAD', 'The webhook body is empty')
  // A key spelled "__proto__" needs that substring or a \u escape; only then pay for the reviver.
  const reviver = text.includes('__proto__') || text.includes('\\u') ? rejectProtoKey : undefined
  try {
    return JSON.parse(text, reviver)
  } catch (error) {
    if (error instanceof Error && error.name === 'WebhookVerificationError') throw error
    return fail('INVALID_PAYLOAD', 'The webhook body is not valid JSON')
  }
}

import { utf8 } from './bytes.js'
import { fail } from './errors.js'

/** The body exactly as it arrived: the bytes the signature covers. */
export type RawPayload = string | Uint8Array | ArrayBuffer

/**
 * Turns the payload a caller handed us into the exact bytes to verify, refusing anything that is not raw.
 * A parsed object means a body parser ran before us: that is the receiver's bug, so it is PAYLOAD_NOT_RAW.
 */
export function toPayloadBytes(payload: unknown): Uint8Array {
  if (typeof payload === 'string') return utf8(payload)
  if (payload instanceof Uint8Array) return payload
  // toString, not instanceof: an ArrayBuffer from another realm (a vm context, an iframe) is still raw.
  if (Object.prototype.toString.call(payload) === '[object ArrayBuffer]')
    return new Uint8Array(payload as ArrayBuffer)
  if (ArrayBuffer.isView(payload))
    return new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength)
  return fail(
    'PAYLOAD_NOT_RAW',
    `payload is ${payload === null ? 'null' : typeof payload}, not the raw body`,
    'pass the raw request body (string or bytes): parsed and re-serialised JSON no longer matches its signature; in Express use express.raw({ type: "application/json" }) on this route',
  )
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

function rejectProtoKey(key: string, value: unknown): unknown {
  return key === '__proto__' ? fail('INVALID_PAYLOAD', 'body has a "__proto__" key') : value
}

/**
 * Parses the verified body as JSON. Runs only after the signature matched. Invalid UTF-8, a byte order
 * mark, invalid JSON and `__proto__` keys (however escaped) are all INVALID_PAYLOAD.
 */
export function parseJsonBody(bytes: Uint8Array): unknown {
  let text = ''
  try {
    text = decoder.decode(bytes)
    // A key spelled "__proto__" needs that substring or a \u escape; only then pay for the reviver.
    return JSON.parse(text, /__proto__|\\u/.test(text) ? rejectProtoKey : undefined)
  } catch (error) {
    if ((error as Error).name === 'WebhookVerificationError') throw error
    return fail('INVALID_PAYLOAD', text ? 'body is not valid JSON' : 'body is empty or not UTF-8')
  }
}

import { fromHex } from '../bytes.js'
import { fail } from '../errors.js'
import type { HeadersInput } from '../headers.js'
import { parseTimestamp } from '../timestamp.js'
import { MAX_SIGNATURES } from './limits.js'
import { assertRoom, isSpace, readOne, readSignatureHeader } from './read-one.js'
import type { Envelope, SchemeRules, SignedParts } from './types.js'

const SIGNATURE = 'x-ledgerly-signature'
const TIMESTAMP = 'x-ledgerly-timestamp'

const SIGNATURE_NAMES = [SIGNATURE]
const TIMESTAMP_NAMES = [TIMESTAMP]
const HEX_TAG_LENGTH = 64

/** A v1 tag: exactly 64 hex digits at `header[start, end)`. */
function decodeSignature(header: string, start: number, end: number): Uint8Array {
  return (
    (end - start === HEX_TAG_LENGTH && fromHex(header, start, end)) ||
    fail('MALFORMED_SIGNATURE', `a v1 signature in ${SIGNATURE} is not ${HEX_TAG_LENGTH} hex digits`)
  )
}

/**
 * Parses `t=<T>,v1=<hex>[,v1=<hex>…]`: elements trimmed of spaces and tabs, split at the first `=`, keys
 * matched exactly, unknown keys ignored. One pass over the header with index arithmetic: on this
 * per-request path only the `t` value and the decoded tags are allocated.
 */
function parseCompound(header: string): { t: string | undefined; signatures: Uint8Array[] } {
  let t: string | undefined
  const signatures: Uint8Array[] = []
  for (let start = 0; start <= header.length; ) {
    const comma = header.indexOf(',', start)
    const end = comma < 0 ? header.length : comma
    let from = start
    let to = end
    while (from < to && isSpace(header.charCodeAt(from))) from++
    while (to > from && isSpace(header.charCodeAt(to - 1))) to--
    const equals = header.indexOf('=', from)
    if (equals < 0 || equals >= to)
      fail('MALFORMED_SIGNATURE', `${SIGNATURE} header has an element without "="`)
    const keyLength = equals - from
    if (keyLength === 1 && header.charCodeAt(from) === 116 /* t */) {
      if (t !== undefined) fail('MALFORMED_SIGNATURE', `${SIGNATURE} header has more than one "t"`)
      t = header.slice(equals + 1, to)
    } else if (keyLength === 2 && header.startsWith('v1', from)) {
      assertRoom(signatures.length, SIGNATURE, MAX_SIGNATURES)
      signatures.push(decodeSignature(header, equals + 1, to))
    }
    start = end + 1
  }
  return { t, signatures }
}

/** `t=` and `X-Ledgerly-Timestamp`: either may be absent, both must agree when present. */
function readTimestamp(fromSignature: string | undefined, headers: HeadersInput): number {
  const header = readOne(headers, TIMESTAMP_NAMES, 'MALFORMED_TIMESTAMP')
  if (fromSignature === undefined && !header) {
    return fail('MISSING_TIMESTAMP', `no "t=" in ${SIGNATURE} and no ${TIMESTAMP} header`)
  }
  const signed =
    fromSignature === undefined ? undefined : parseTimestamp(fromSignature, `"t" in ${SIGNATURE}`)
  const separate = header && parseTimestamp(header.value, TIMESTAMP)
  if (signed !== undefined && separate !== undefined && signed !== separate) {
    fail('MALFORMED_TIMESTAMP', `"t" in ${SIGNATURE} and ${TIMESTAMP} disagree`)
  }
  return (signed ?? separate)!
}

/** The Ledgerly scheme: compound `t=…,v1=…` or the legacy bare-hex form plus `X-Ledgerly-Timestamp`. */
export const ledgerlyScheme: SchemeRules = {
  readHeaders(headers): SignedParts {
    const header = readSignatureHeader(headers, SIGNATURE_NAMES).value
    // The legacy form is the bare hex tag; the compound form always has a "=".
    const parsed = header.includes('=')
      ? parseCompound(header)
      : { t: undefined, signatures: [decodeSignature(header, 0, header.length)] }
    if (parsed.signatures.length === 0)
      fail('MALFORMED_SIGNATURE', `${SIGNATURE} header has no "v1=" signature`)
    const { signatures } = parsed
    const timestamp = readTimestamp(parsed.t, headers)
    return { timestamp, signatures, prefix: `${timestamp}.`, id: undefined }
  },
  readEnvelope(body): Envelope {
    const { event, data } = (isObject(body) ? body : {}) as { event?: unknown; data?: { id?: unknown } }
    const id = isObject(data) ? data.id : undefined
    if (typeof event !== 'string' || event === '' || !isObject(data)) {
      return fail('INVALID_PAYLOAD', 'body is not a JSON object with an "event" string and a "data" object')
    }
    // A number is an id only while JSON.parse keeps it exact: 9007199254740993 would read as ...992, the
    // key of another event, and a fraction has no one decimal spelling across languages.
    if (!(typeof id === 'string' && id !== '') && !Number.isSafeInteger(id)) {
      fail('INVALID_PAYLOAD', 'body has no "data.id" (a string, or a whole number within ±(2^53 − 1))')
    }
    return { event, data, id: String(id) }
  },
}

/** A plain JSON object: not null, not an array. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

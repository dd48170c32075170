import { fromHex } from '../bytes.js'
import { fail } from '../errors.js'
import type { HeadersInput } from '../headers.js'
import { parseTimestamp } from '../timestamp.js'
import { MAX_SIGNATURES } from './limits.js'
import { assertRoom, readOne, readSignatureHeader, trimSpace } from './read-one.js'
import type { Envelope, SchemeRules, SignedParts } from './types.js'

const SIGNATURE = 'x-ledgerly-signature'
const TIMESTAMP = 'x-ledgerly-timestamp'

/** Parses `t=<T>,v1=<hex>[,v1=<hex>…]`: elements trimmed, split at the first `=`, keys matched exactly. */
function parseCompound(header: string): { t: string | undefined; v1: string[] } {
  let t: string | undefined
  const v1: string[] = []
  for (const raw of header.split(',')) {
    const element = trimSpace(raw)
    const equals = element.indexOf('=')
    if (equals < 0) fail('MALFORMED_SIGNATURE', `${SIGNATURE} header has an element without "="`)
    const key = element.slice(0, equals)
    const value = element.slice(equals + 1)
    if (key === 't') {
      if (t !== undefined) fail('MALFORMED_SIGNATURE', `${SIGNATURE} header has more than one "t"`)
      t = value
    } else if (key === 'v1') {
      assertRoom(v1.length, SIGNATURE, MAX_SIGNATURES)
      v1.push(value)
    }
  }
  return { t, v1 }
}

function decodeSignature(text: string): Uint8Array {
  return (
    (text.length === 64 && fromHex(text)) ||
    fail('MALFORMED_SIGNATURE', `a v1 signature in ${SIGNATURE} is not 64 hex digits`)
  )
}

/** `t=` and `X-Ledgerly-Timestamp`: either may be absent, both must agree when present. */
function readTimestamp(fromSignature: string | undefined, headers: HeadersInput): number {
  const header = readOne(headers, [TIMESTAMP], 'MALFORMED_TIMESTAMP')
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
    const header = readSignatureHeader(headers, [SIGNATURE]).value
    const parsed = header.includes('=') ? parseCompound(header) : { t: undefined, v1: [header] }
    if (parsed.v1.length === 0) fail('MALFORMED_SIGNATURE', `${SIGNATURE} header has no "v1=" signature`)
    const signatures = parsed.v1.map(decodeSignature)
    const timestamp = readTimestamp(parsed.t, headers)
    return { timestamp, signatures, prefix: `${timestamp}.`, id: undefined }
  },
  readEnvelope(body): Envelope {
    const { event, data } = (isObject(body) ? body : {}) as { event?: unknown; data?: { id?: unknown } }
    const id = isObject(data) ? data.id : undefined
    if (typeof event !== 'string' || event === '' || !isObject(data)) {
      return fail('INVALID_PAYLOAD', 'body is not a JSON object with an "event" string and a "data" object')
    }
    if (!(typeof id === 'string' && id !== '') && !(typeof id === 'number' && Number.isFinite(id))) {
      fail('INVALID_PAYLOAD', 'body has no "data.id" (string or number)')
    }
    return { event, data, id: String(id) }
  },
}

/** A plain JSON object: not null, not an array. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

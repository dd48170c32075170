import { fromHex, utf8 } from '../bytes.js'
import { fail } from '../errors.js'
import type { HeadersInput } from '../headers.js'
import { parseTimestamp } from '../timestamp.js'
import { HEADER_TEXT, MAX_SIGNATURE_HEADER_LENGTH, MAX_SIGNATURES } from './limits.js'
import { readOne, trimSpace } from './read-one.js'
import type { Envelope, SchemeRules, SignedParts } from './types.js'

const SIGNATURE = 'x-ledgerly-signature'
const TIMESTAMP = 'x-ledgerly-timestamp'

interface SignatureHeader {
  t: string | undefined
  v1: string[]
}

/** Parses `t=<T>,v1=<hex>[,v1=<hex>…]`: elements trimmed, split at the first `=`, keys matched exactly. */
function parseCompound(header: string): SignatureHeader {
  const parsed: SignatureHeader = { t: undefined, v1: [] }
  const elements = header.split(',')
  for (let index = 0; index < elements.length; index++) {
    const element = trimSpace(elements[index]!)
    const equals = element.indexOf('=')
    if (equals < 0) {
      fail('MALFORMED_SIGNATURE', `Element ${index + 1} of the ${SIGNATURE} header has no "="`)
    }
    const key = element.slice(0, equals)
    const value = element.slice(equals + 1)
    if (key === 't') {
      if (parsed.t !== undefined) fail('MALFORMED_SIGNATURE', `The ${SIGNATURE} header has more than one "t"`)
      parsed.t = value
    } else if (key === 'v1') {
      if (parsed.v1.length === MAX_SIGNATURES) {
        fail('MALFORMED_SIGNATURE', `The ${SIGNATURE} header has more than ${MAX_SIGNATURES} v1 signatures`)
      }
      parsed.v1.push(value)
    }
  }
  return parsed
}

function decodeSignature(text: string): Uint8Array {
  const tag = text.length === 64 ? fromHex(text) : undefined
  if (!tag) {
    return fail(
      'MALFORMED_SIGNATURE',
      `A v1 signature in the ${SIGNATURE} header is not 64 hex digits`,
      'expected the hex HMAC-SHA256 of "<timestamp>.<raw body>"',
    )
  }
  return tag
}

function readTimestamp(fromSignature: string | undefined, headers: HeadersInput): number {
  const header = readOne(headers, [TIMESTAMP], 'MALFORMED_TIMESTAMP')
  if (fromSignature === undefined && header === undefined) {
    return fail('MISSING_TIMESTAMP', `No timestamp: neither "t=" in ${SIGNATURE} nor an ${TIMESTAMP} header`)
  }
  const signed =
    fromSignature === undefined ? undefined : parseTimestamp(fromSignature, `"t" in ${SIGNATURE}`)
  const separate = header === undefined ? undefined : parseTimestamp(header.value, `${TIMESTAMP} header`)
  if (signed !== undefined && separate !== undefined && signed !== separate) {
    fail('MALFORMED_TIMESTAMP', `"t" in ${SIGNATURE} and the ${TIMESTAMP} header disagree`)
  }
  return (signed ?? separate)!
}

/** The Ledgerly scheme: compound `t=…,v1=…` or the legacy bare-hex form plus `X-Ledgerly-Timestamp`. */
export const ledgerlyScheme: SchemeRules = {
  readHeaders(headers): SignedParts {
    const found = readOne(headers, [SIGNATURE], 'MALFORMED_SIGNATURE')
    if (!found) return fail('MISSING_SIGNATURE', `The ${SIGNATURE} header is missing or empty`)
    const header = trimSpace(found.value)
    if (header.length > MAX_SIGNATURE_HEADER_LENGTH) {
      fail(
        'MALFORMED_SIGNATURE',
        `The ${SIGNATURE} header is longer than ${MAX_SIGNATURE_HEADER_LENGTH} characters`,
      )
    }
    if (!HEADER_TEXT.test(header)) {
      fail('MALFORMED_SIGNATURE', `The ${SIGNATURE} header contains non-ASCII or control characters`)
    }
    const parsed = header.includes('=') ? parseCompound(header) : { t: undefined, v1: [header] }
    if (parsed.v1.length === 0) fail('MALFORMED_SIGNATURE', `The ${SIGNATURE} header has no "v1=" signature`)
    const signatures = parsed.v1.map(decodeSignature)
    const timestamp = readTimestamp(parsed.t, headers)
    return { timestamp, signatures, prefix: utf8(`${timestamp}.`), id: undefined }
  },
  readEnvelope(body): Envelope {
    const envelope = body as { event?: unknown; data?: unknown } | null
    if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
      return fail('INVALID_PAYLOAD', 'The webhook body is not a JSON object')
    }
    if (typeof envelope.event !== 'string' || envelope.event === '') {
      fail('INVALID_PAYLOAD', 'The webhook body has no "event" string')
    }
    const data = envelope.data as { id?: unknown } | null
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      return fail('INVALID_PAYLOAD', 'The webhook body has no "data" object')
    }
    const id = data.id
    if (!(typeof id === 'string' && id !== '') && !(typeof id === 'number' && Number.isFinite(id))) {
      fail('INVALID_PAYLOAD', 'The webhook body has no "data.id" (string or number)')
    }
    return { event: envelope.event as string, data, id: String(id) }
  },
}

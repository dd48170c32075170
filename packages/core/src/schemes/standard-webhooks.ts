import { fromBase64, utf8 } from '../bytes.js'
import { fail } from '../errors.js'
import type { HeadersInput } from '../headers.js'
import { parseTimestamp } from '../timestamp.js'
import { HEADER_TEXT, MAX_SIGNATURE_HEADER_LENGTH, MAX_SIGNATURES } from './limits.js'
import { readOne, trimSpace } from './read-one.js'
import type { Envelope, SchemeRules, SignedParts } from './types.js'

const ID = ['webhook-id', 'svix-id']
const TIMESTAMP = ['webhook-timestamp', 'svix-timestamp']
const SIGNATURE = ['webhook-signature', 'svix-signature']

function readSignatures(header: string, name: string): Uint8Array[] {
  const signatures: Uint8Array[] = []
  for (const entry of header.split(' ')) {
    if (entry === '') continue
    const comma = entry.indexOf(',')
    if (comma < 0) fail('MALFORMED_SIGNATURE', `An entry of the ${name} header has no ","`)
    if (entry.slice(0, comma) !== 'v1') continue
    const tag = fromBase64(entry.slice(comma + 1))
    if (tag?.length !== 32) {
      fail('MALFORMED_SIGNATURE', `A v1 signature in the ${name} header is not base64 of 32 bytes`)
    }
    if (signatures.length === MAX_SIGNATURES) {
      fail('MALFORMED_SIGNATURE', `The ${name} header has more than ${MAX_SIGNATURES} v1 signatures`)
    }
    signatures.push(tag)
  }
  if (signatures.length === 0) fail('MALFORMED_SIGNATURE', `The ${name} header has no "v1," signature`)
  return signatures
}

function readId(headers: HeadersInput): string {
  const found = readOne(headers, ID, 'MALFORMED_SIGNATURE')
  if (!found)
    return fail('MALFORMED_SIGNATURE', 'The webhook-id header is missing; it is part of the signed content')
  if (found.value.length > 256 || !HEADER_TEXT.test(found.value)) {
    fail('MALFORMED_SIGNATURE', `The ${found.name} header is longer than 256 characters or not ASCII`)
  }
  return found.value
}

/**
 * Standard Webhooks (`webhook-*` or `svix-*` headers): signed content `id.T.body`, signatures as a
 * space-separated list of `v1,<base64>`.
 */
export const standardWebhooksScheme: SchemeRules = {
  readHeaders(headers): SignedParts {
    const found = readOne(headers, SIGNATURE, 'MALFORMED_SIGNATURE')
    if (!found) return fail('MISSING_SIGNATURE', 'The webhook-signature header is missing or empty')
    const header = trimSpace(found.value)
    if (header.length > MAX_SIGNATURE_HEADER_LENGTH) {
      fail(
        'MALFORMED_SIGNATURE',
        `The ${found.name} header is longer than ${MAX_SIGNATURE_HEADER_LENGTH} characters`,
      )
    }
    if (!HEADER_TEXT.test(header)) {
      fail('MALFORMED_SIGNATURE', `The ${found.name} header contains non-ASCII or control characters`)
    }
    const signatures = readSignatures(header, found.name)
    const id = readId(headers)
    const stamp = readOne(headers, TIMESTAMP, 'MALFORMED_TIMESTAMP')
    if (!stamp) return fail('MISSING_TIMESTAMP', 'The webhook-timestamp header is missing or empty')
    const timestamp = parseTimestamp(stamp.value, `${stamp.name} header`)
    return { timestamp, signatures, prefix: utf8(`${id}.${timestamp}.`), id }
  },
  readEnvelope(body, parts): Envelope {
    const envelope = body as { type?: unknown; event?: unknown; data?: unknown } | null
    if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
      return fail('INVALID_PAYLOAD', 'The webhook body is not a JSON object')
    }
    // The spec's envelope is { type, timestamp, data }, but bodies without a type are valid Standard
    // Webhooks (its own known-answer case has none): the event is then ''.
    const event = typeof envelope.type === 'string' ? envelope.type : envelope.event
    return { event: typeof event === 'string' ? event : '', data: envelope.data, id: parts.id! }
  },
}

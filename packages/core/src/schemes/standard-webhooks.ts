import { fromBase64 } from '../bytes.js'
import { fail } from '../errors.js'
import { parseTimestamp } from '../timestamp.js'
import { isObject } from './ledgerly.js'
import { HEADER_TEXT, MAX_SIGNATURES } from './limits.js'
import { assertRoom, readOne, readSignatureHeader } from './read-one.js'
import type { Envelope, SchemeRules, SignedParts } from './types.js'

/** Signatures: space-separated `version,base64`; only `v1` counts, other versions are ignored. */
function readSignatures(header: string, name: string): Uint8Array[] {
  const signatures: Uint8Array[] = []
  for (const entry of header.split(' ')) {
    if (entry === '') continue
    const comma = entry.indexOf(',')
    if (comma < 0) fail('MALFORMED_SIGNATURE', `${name} header has an entry without ","`)
    if (entry.slice(0, comma) !== 'v1') continue
    const tag = fromBase64(entry.slice(comma + 1))
    if (tag?.length !== 32) fail('MALFORMED_SIGNATURE', `a v1 signature in ${name} is not base64 of 32 bytes`)
    assertRoom(signatures.length, name, MAX_SIGNATURES)
    signatures.push(tag)
  }
  if (signatures.length === 0) fail('MALFORMED_SIGNATURE', `${name} header has no "v1," signature`)
  return signatures
}

/**
 * Standard Webhooks (`webhook-*` or `svix-*` headers): signed content `id.T.body`, signatures as a
 * space-separated list of `v1,<base64>`.
 */
export const standardWebhooksScheme: SchemeRules = {
  readHeaders(headers): SignedParts {
    const { name, value } = readSignatureHeader(headers, ['webhook-signature', 'svix-signature'])
    const signatures = readSignatures(value, name)
    const id = readOne(headers, ['webhook-id', 'svix-id'], 'MALFORMED_SIGNATURE')?.value
    if (!id || id.length > 256 || !HEADER_TEXT.test(id)) {
      fail('MALFORMED_SIGNATURE', 'webhook-id header missing, longer than 256 characters or not ASCII')
    }
    const stamp = readOne(headers, ['webhook-timestamp', 'svix-timestamp'], 'MALFORMED_TIMESTAMP')
    if (!stamp) return fail('MISSING_TIMESTAMP', 'webhook-timestamp header missing or empty')
    const timestamp = parseTimestamp(stamp.value, stamp.name)
    return { timestamp, signatures, prefix: `${id}.${timestamp}.`, id }
  },
  readEnvelope(body, parts): Envelope {
    if (!isObject(body)) return fail('INVALID_PAYLOAD', 'body is not a JSON object')
    // The spec's envelope is { type, timestamp, data }, but bodies without a type are valid Standard
    // Webhooks (its own known-answer case has none): the event is then ''.
    const event = typeof body.type === 'string' ? body.type : body.event
    return { event: typeof event === 'string' ? event : '', data: body.data, id: parts.id! }
  },
}

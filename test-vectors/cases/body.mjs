// Hand-written: body bytes (the hostile-input list, D). Either the signature covers other bytes than
// those sent (SIGNATURE_MISMATCH), or the signature is right and the body is not a usable envelope
// (INVALID_PAYLOAD).
import { entryBody, FIXED, joinBytes, no, toBytes } from '../scripts/lib/kit.mjs'

const { secret, t } = FIXED
const SIG = 'X-Ledgerly-Signature'
const compact = '{"event":"entry_persisted","data":{"id":"ent_1","note":"café"}}'

export const file = 'body.json'
export const title = 'Ledgerly scheme: body bytes and envelope (hand-written)'

/** A gzip member with one stored (uncompressed) deflate block: byte-for-byte the same everywhere. */
function storedGzip(text) {
  const data = toBytes(text)
  const crc = crc32(data)
  const le16 = (n) => [n & 0xff, (n >>> 8) & 0xff]
  const le32 = (n) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff]
  const header = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]
  const block = [1, ...le16(data.length), ...le16(~data.length & 0xffff)]
  return joinBytes(
    new Uint8Array([...header, ...block]),
    data,
    new Uint8Array([...le32(crc), ...le32(data.length)]),
  )
}

function crc32(bytes) {
  let crc = 0xffffffff
  for (const byte of bytes) {
    crc ^= byte
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1
  }
  return (crc ^ 0xffffffff) >>> 0
}

export function build(kit) {
  /** Signed over `signedBody`, sent with `sentBody`. */
  const swapped = (id, description, signedBody, sentBody) => ({
    id,
    description,
    headers: [[SIG, kit.compound(secret, t, signedBody)]],
    body: sentBody,
    expected: no('SIGNATURE_MISMATCH'),
  })
  /** Right signature over a body that is not a usable envelope. */
  const invalid = (id, description, sentBody, extra = {}) => ({
    id,
    description,
    headers: [[SIG, kit.compound(secret, t, sentBody)]],
    body: sentBody,
    expected: no('INVALID_PAYLOAD'),
    ...extra,
  })
  const pretty = JSON.stringify(JSON.parse(compact), null, 2)
  const reordered = '{"data":{"id":"ent_1","note":"café"},"event":"entry_persisted"}'
  return [
    // D22: re-serialised JSON
    swapped('reserialised-spacing', 'Signed compact, sent pretty-printed', compact, pretty),
    swapped('reserialised-compact', 'Signed pretty-printed, sent compact', pretty, compact),
    swapped('reserialised-key-order', 'Signed, then keys reordered', compact, reordered),
    swapped(
      'reserialised-escape',
      'Signed with "é", sent with "\\u00e9"',
      compact,
      compact.replace('é', '\\u00e9'),
    ),
    swapped(
      'reserialised-unescape',
      'Signed with "\\u00e9", sent with "é"',
      compact.replace('é', '\\u00e9'),
      compact,
    ),
    swapped(
      'reserialised-crlf',
      'Signed with LF line breaks, sent with CRLF',
      pretty,
      pretty.replace(/\n/g, '\r\n'),
    ),
    swapped(
      'reserialised-bom-added',
      'Signed without a BOM, sent with one',
      compact,
      joinBytes(new Uint8Array([0xef, 0xbb, 0xbf]), compact),
    ),
    swapped(
      'reserialised-trailing-newline',
      'Signed without a trailing newline, sent with one',
      compact,
      `${compact}\n`,
    ),
    swapped(
      'reserialised-nfd',
      'Signed with é precomposed (NFC), sent decomposed (NFD)',
      compact,
      compact.normalize('NFD'),
    ),
    swapped('body-truncated', 'Signed, then the last byte dropped', compact, compact.slice(0, -1)),
    swapped('body-empty-sent', 'Signed over a body, sent with an empty body', compact, ''),
    swapped(
      'body-latin1-sent',
      'Signed over UTF-8 "é", sent as Latin-1 byte E9',
      compact,
      joinBytes('{"event":"entry_persisted","data":{"id":"ent_1","note":"caf', new Uint8Array([0xe9]), '"}}'),
    ),
    // D23: lossy decoding must not make different bytes equal
    swapped(
      'lossy-ff-vs-fe',
      'Signed over bytes with FF, sent with FE: both decode to U+FFFD',
      joinBytes('{"event":"e","data":{"id":"', new Uint8Array([0xff]), '"}}'),
      joinBytes('{"event":"e","data":{"id":"', new Uint8Array([0xfe]), '"}}'),
    ),
    swapped(
      'lossy-replacement-vs-ff',
      'Signed over a real U+FFFD (EF BF BD), sent with a bare FF',
      '{"event":"e","data":{"id":"\uFFFD"}}',
      joinBytes('{"event":"e","data":{"id":"', new Uint8Array([0xff]), '"}}'),
    ),
    // D24: right signature, body unusable
    invalid('empty-body', 'Right signature over an empty body', ''),
    invalid('whitespace-body', 'Right signature over spaces only', '   '),
    invalid(
      'invalid-json-truncated',
      'Right signature over truncated JSON',
      '{"event":"entry_persisted","data":{"id":"x"}',
    ),
    invalid(
      'invalid-json-trailing-comma',
      'Right signature over JSON with a trailing comma',
      '{"event":"entry_persisted","data":{"id":"x"},}',
    ),
    invalid(
      'invalid-json-single-quotes',
      'Right signature over single-quoted pseudo-JSON',
      "{'event':'entry_persisted','data':{'id':'x'}}",
    ),
    invalid(
      'invalid-json-two-values',
      'Right signature over two JSON values',
      '{"event":"e","data":{"id":"x"}}{}',
    ),
    invalid(
      'json-array',
      'Right signature over a JSON array',
      '[{"event":"entry_persisted","data":{"id":"x"}}]',
    ),
    invalid('json-string', 'Right signature over a JSON string', '"entry_persisted"'),
    invalid('json-number', 'Right signature over a JSON number', '42'),
    invalid('json-null', 'Right signature over JSON null', 'null'),
    invalid('json-true', 'Right signature over JSON true', 'true'),
    invalid('event-missing', 'Envelope without "event"', '{"data":{"id":"x"}}'),
    invalid('event-number', 'Envelope whose "event" is a number', '{"event":1,"data":{"id":"x"}}'),
    invalid('event-empty', 'Envelope whose "event" is the empty string', '{"event":"","data":{"id":"x"}}'),
    invalid('event-null', 'Envelope whose "event" is null', '{"event":null,"data":{"id":"x"}}'),
    invalid('data-missing', 'Envelope without "data"', '{"event":"entry_persisted"}'),
    invalid(
      'data-array',
      'Envelope whose "data" is an array',
      '{"event":"entry_persisted","data":[{"id":"x"}]}',
    ),
    invalid('data-string', 'Envelope whose "data" is a string', '{"event":"entry_persisted","data":"x"}'),
    invalid('data-null', 'Envelope whose "data" is null', '{"event":"entry_persisted","data":null}'),
    invalid(
      'data-id-missing',
      'Envelope whose "data" has no "id"',
      '{"event":"entry_persisted","data":{"action":"x"}}',
    ),
    invalid(
      'data-id-null',
      'Envelope whose "data.id" is null',
      '{"event":"entry_persisted","data":{"id":null}}',
    ),
    invalid(
      'data-id-empty',
      'Envelope whose "data.id" is the empty string',
      '{"event":"entry_persisted","data":{"id":""}}',
    ),
    invalid(
      'data-id-boolean',
      'Envelope whose "data.id" is a boolean',
      '{"event":"entry_persisted","data":{"id":true}}',
    ),
    invalid(
      'data-id-object',
      'Envelope whose "data.id" is an object',
      '{"event":"entry_persisted","data":{"id":{"n":1}}}',
    ),
    invalid(
      'data-id-beyond-2-53',
      'Envelope whose numeric "data.id" (2^53 + 1) a double cannot hold exactly: refused, not rounded to another id',
      '{"event":"entry_persisted","data":{"id":9007199254740993}}',
    ),
    invalid(
      'data-id-fraction',
      'Envelope whose numeric "data.id" has a fraction (1.5): an id must be a string or a whole number',
      '{"event":"entry_persisted","data":{"id":1.5}}',
    ),
    invalid(
      'data-id-infinite',
      'Envelope whose "data.id" overflows to infinity (1e999)',
      '{"event":"entry_persisted","data":{"id":1e999}}',
    ),
    invalid(
      'proto-key-top-level',
      'A "__proto__" key at the top level',
      '{"event":"entry_persisted","data":{"id":"x"},"__proto__":{"admin":true}}',
    ),
    invalid(
      'proto-key-in-data',
      'A "__proto__" key inside data',
      '{"event":"entry_persisted","data":{"id":"x","__proto__":{"admin":true}}}',
    ),
    invalid(
      'proto-key-deep',
      'A "__proto__" key deep inside data',
      '{"event":"entry_persisted","data":{"id":"x","diff":[{"a":{"__proto__":1}}]}}',
    ),
    invalid(
      'proto-key-escaped',
      'A "__proto__" key spelled with \\u escapes',
      '{"event":"entry_persisted","data":{"id":"x","\\u005f\\u005fproto\\u005f\\u005f":{"admin":true}}}',
    ),
    invalid(
      'bom-then-json',
      'Right signature over a BOM followed by valid JSON',
      joinBytes(new Uint8Array([0xef, 0xbb, 0xbf]), '{"event":"entry_persisted","data":{"id":"x"}}'),
    ),
    invalid(
      'invalid-utf8-ff',
      'Right signature over a body with a bare FF byte',
      joinBytes('{"event":"entry_persisted","data":{"id":"', new Uint8Array([0xff]), '"}}'),
    ),
    invalid(
      'invalid-utf8-latin1',
      'Right signature over a Latin-1 encoded body (E9 for é)',
      joinBytes('{"event":"entry_persisted","data":{"id":"caf', new Uint8Array([0xe9]), '"}}'),
    ),
    invalid(
      'invalid-utf8-overlong',
      'Right signature over an overlong UTF-8 sequence (C0 AF)',
      joinBytes('{"event":"entry_persisted","data":{"id":"', new Uint8Array([0xc0, 0xaf]), '"}}'),
    ),
    invalid(
      'invalid-utf8-surrogate',
      'Right signature over an encoded surrogate (ED A0 80)',
      joinBytes('{"event":"entry_persisted","data":{"id":"', new Uint8Array([0xed, 0xa0, 0x80]), '"}}'),
    ),
    invalid(
      'invalid-utf8-truncated',
      'Right signature over a truncated multi-byte sequence (E2 82)',
      joinBytes('{"event":"entry_persisted","data":{"id":"', new Uint8Array([0xe2, 0x82]), '"}}'),
    ),
    invalid(
      'gzip-body',
      'Content-Encoding gzip: the signature covers the bytes as sent and the verifier does not decompress',
      storedGzip(compact),
    ),
    // D25: size limit, checked before anything else
    {
      id: 'payload-over-limit',
      description: 'A body one byte over maxPayloadBytes, right signature',
      headers: [[SIG, kit.compound(secret, t, compact)]],
      body: compact,
      maxPayloadBytes: toBytes(compact).length - 1,
      expected: no('PAYLOAD_TOO_LARGE'),
    },
    {
      id: 'payload-over-limit-before-headers',
      description: 'A body over maxPayloadBytes and no signature header: size is checked first',
      headers: [],
      body: entryBody(),
      maxPayloadBytes: 64,
      expected: no('PAYLOAD_TOO_LARGE'),
    },
    {
      id: 'order-mac-before-json',
      description: 'A wrong digest over invalid JSON: the HMAC is checked before the body is parsed',
      headers: [[SIG, `t=${t},v1=${'0'.repeat(64)}`]],
      body: '{not json',
      expected: no('SIGNATURE_MISMATCH'),
    },
  ].map(withContentHeaders)
}

function withContentHeaders(c) {
  if (c.id === 'invalid-utf8-latin1') {
    return { ...c, headers: [...c.headers, ['Content-Type', 'application/json; charset=iso-8859-1']] }
  }
  if (c.id === 'gzip-body') return { ...c, headers: [...c.headers, ['Content-Encoding', 'gzip']] }
  return c
}

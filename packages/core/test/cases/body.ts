import { createHmac } from 'node:crypto'
import { BODY, type Case, compound, hmacHex, SECRET, T } from '../fixtures.js'

function signedBytes(bytes: Uint8Array): string {
  return createHmac('sha256', SECRET).update(`${T}.`).update(bytes).digest('hex')
}

/** A body signed correctly: the signature holds, so only the body rules decide. */
function signedBody(name: string, payload: string | Uint8Array, expect: string): Case {
  return {
    name: `${name} → ${expect}`,
    headers: compound(signedBytes(typeof payload === 'string' ? new TextEncoder().encode(payload) : payload)),
    payload,
    expect,
  }
}

/** The original body's signature, but another body: re-serialisations must not verify. */
function reencoded(name: string, payload: string | Uint8Array): Case {
  return {
    name: `D22 ${name} → SIGNATURE_MISMATCH`,
    headers: compound(),
    payload,
    expect: 'SIGNATURE_MISMATCH',
  }
}

const parsed = JSON.parse(BODY)
const accented = '{"event":"entry_persisted","data":{"id":"e1","action":"café"}}'
const astral = '{"event":"entry_persisted","data":{"id":"e1","action":"🧾🧾 ünïcödé"}}'

/** bad-inputs.md section D: the body. */
export const bodyCases: Case[] = [
  reencoded('re-serialised with spacing', JSON.stringify(parsed, null, 2)),
  reencoded('keys in another order', JSON.stringify({ data: parsed.data, event: parsed.event })),
  reencoded('CRLF line ending appended', `${BODY}\r\n`),
  reencoded('BOM prepended', `\ufeff${BODY}`),
  {
    name: 'D22 \\u00e9 instead of é → SIGNATURE_MISMATCH',
    headers: compound(hmacHex(accented)),
    payload: accented.replace('é', '\\u00e9'),
    expect: 'SIGNATURE_MISMATCH',
  },
  {
    name: 'D23 0xFF vs 0xFE (same lossy UTF-8 text) → SIGNATURE_MISMATCH',
    headers: compound(signedBytes(new Uint8Array([0x7b, 0xff, 0x7d]))),
    payload: new Uint8Array([0x7b, 0xfe, 0x7d]),
    expect: 'SIGNATURE_MISMATCH',
  },
  {
    name: 'D23 body decoded lossily to a string → SIGNATURE_MISMATCH',
    headers: compound(signedBytes(new Uint8Array([0x7b, 0xff, 0x7d]))),
    payload: new TextDecoder().decode(new Uint8Array([0x7b, 0xff, 0x7d])),
    expect: 'SIGNATURE_MISMATCH',
  },
  signedBody('D24 empty body', '', 'INVALID_PAYLOAD'),
  signedBody('D24 invalid JSON', '{"event":', 'INVALID_PAYLOAD'),
  signedBody(
    'D24 __proto__ key',
    '{"event":"entry_persisted","data":{"id":"1","__proto__":{"admin":true}}}',
    'INVALID_PAYLOAD',
  ),
  signedBody(
    'D24 escaped __proto__ key',
    '{"event":"entry_persisted","data":{"id":"1","\\u005f_proto__":{}}}',
    'INVALID_PAYLOAD',
  ),
  signedBody(
    'D24 __proto__ key nested 5,000 deep, escaped',
    `{"event":"entry_persisted","data":{"id":"1","n":${'{"a":'.repeat(5000)}{"\\u005f_proto__":1}${'}'.repeat(5000)}}}`,
    'INVALID_PAYLOAD',
  ),
  signedBody(
    'D24 __proto__ key inside an array',
    '{"event":"entry_persisted","data":{"id":"1","list":[1,[{"__proto__":{}}]]}}',
    'INVALID_PAYLOAD',
  ),
  // A reviver recursed through the value: valid JSON nested this deep with a \u escape (PHP's json_encode
  // writes non-ASCII that way) overflowed the stack and was answered as invalid JSON, a 4xx.
  signedBody(
    'D24 valid JSON nested 50,000 deep with a \\u escape',
    `{"event":"entry_persisted","data":{"id":"1","action":"caf\\u00e9","n":${'['.repeat(50_000)}${']'.repeat(50_000)}}}`,
    'valid',
  ),
  signedBody('D24 JSON array', '[1,2]', 'INVALID_PAYLOAD'),
  signedBody('D24 JSON null', 'null', 'INVALID_PAYLOAD'),
  signedBody('D24 no event', '{"data":{"id":"1"}}', 'INVALID_PAYLOAD'),
  signedBody('D24 no data', '{"event":"entry_persisted"}', 'INVALID_PAYLOAD'),
  signedBody('D24 data without id', '{"event":"entry_persisted","data":{}}', 'INVALID_PAYLOAD'),
  signedBody('D24 invalid UTF-8', new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]), 'INVALID_PAYLOAD'),
  signedBody('D24 BOM before JSON', `\ufeff${BODY}`, 'INVALID_PAYLOAD'),
  // The web backend decodes leniently first and strictly only when it sees U+FFFD: both branches.
  signedBody(
    'D24 a real U+FFFD (EF BF BD) as bytes',
    new TextEncoder().encode('{"event":"x","data":{"id":"\ufffd"}}'),
    'valid',
  ),
  signedBody(
    'D24 a real U+FFFD and an invalid byte',
    new Uint8Array([
      ...new TextEncoder().encode('{"event":"x","data":{"id":"\ufffd'),
      0xff,
      0x22,
      0x7d,
      0x7d,
    ]),
    'INVALID_PAYLOAD',
  ),
  // Signed over the U+FFFD that TextEncoder writes for it; parsing the string would yield the surrogate.
  signedBody('D24 string with a lone surrogate', '{"event":"x","data":{"id":"\ud800"}}', 'INVALID_PAYLOAD'),
  signedBody('D24 string with a surrogate pair', '{"event":"x","data":{"id":"\ud83e\uddfe"}}', 'valid'),
  signedBody('D24 numeric data.id', '{"event":"entry_persisted","data":{"id":7}}', 'valid'),
  signedBody('D24 data.id 2^53 − 1', '{"event":"entry_persisted","data":{"id":9007199254740991}}', 'valid'),
  signedBody(
    'D24 data.id -(2^53 − 1)',
    '{"event":"entry_persisted","data":{"id":-9007199254740991}}',
    'valid',
  ),
  // JSON.parse reads it as 9007199254740992: another event's id, and a wrong idempotency key.
  signedBody(
    'D24 data.id 2^53 + 1 (not exact as a double)',
    '{"event":"entry_persisted","data":{"id":9007199254740993}}',
    'INVALID_PAYLOAD',
  ),
  signedBody(
    'D24 data.id 1.5 (a fraction)',
    '{"event":"entry_persisted","data":{"id":1.5}}',
    'INVALID_PAYLOAD',
  ),
  signedBody(
    'D24 "constructor" key is plain data',
    '{"event":"x","data":{"id":"1","constructor":{}}}',
    'valid',
  ),
  signedBody('D24 accented text as bytes', new TextEncoder().encode(accented), 'valid'),
  {
    name: 'D25 body over maxPayloadBytes → PAYLOAD_TOO_LARGE',
    headers: compound(),
    options: { maxPayloadBytes: BODY.length - 1 },
    expect: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'D25 string whose UTF-16 length fits but UTF-8 bytes do not → PAYLOAD_TOO_LARGE',
    headers: compound(hmacHex(accented)),
    payload: accented,
    options: { maxPayloadBytes: accented.length },
    expect: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: 'D25 string of astral characters exactly at the byte limit → valid',
    headers: compound(hmacHex(astral)),
    payload: astral,
    options: { maxPayloadBytes: new TextEncoder().encode(astral).length },
    expect: 'valid',
  },
  {
    name: 'D25 body exactly maxPayloadBytes → valid',
    headers: compound(),
    options: { maxPayloadBytes: BODY.length },
    expect: 'valid',
  },
  {
    name: 'D26 parsed object → PAYLOAD_NOT_RAW',
    headers: compound(),
    payload: parsed,
    expect: 'PAYLOAD_NOT_RAW',
  },
  {
    name: 'D26 undefined body → PAYLOAD_NOT_RAW',
    headers: compound(),
    payload: undefined,
    expect: 'PAYLOAD_NOT_RAW',
  },
  { name: 'D26 null body → PAYLOAD_NOT_RAW', headers: compound(), payload: null, expect: 'PAYLOAD_NOT_RAW' },
  { name: 'D26 number body → PAYLOAD_NOT_RAW', headers: compound(), payload: 42, expect: 'PAYLOAD_NOT_RAW' },
  {
    name: 'ArrayBuffer body → valid',
    headers: compound(),
    payload: new TextEncoder().encode(BODY).buffer,
    expect: 'valid',
  },
  {
    name: 'DataView body → valid',
    headers: compound(),
    payload: new DataView(new TextEncoder().encode(BODY).buffer),
    expect: 'valid',
  },
]

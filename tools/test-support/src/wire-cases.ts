/**
 * bad-inputs.md A–D as HTTP requests: header pairs (a name may repeat, as on the wire), body bytes, and
 * the status and code an adapter must answer. Adapter-neutral (it only needs node:crypto as an oracle),
 * so the Hono and edge packages' tests share it.
 */
import { createHmac } from 'node:crypto'
import { gzipSync } from 'node:zlib'

export const SECRET = 'ledgerly-adapter-test-secret'
export const T = 1_700_000_000
export const NOW_MS = T * 1000
export const BODY =
  '{"event":"entry_persisted","data":{"id":"entry_1","action":"invoice.updated","severity":"info"}}'

export function hmacHex(body: string | Uint8Array, timestamp: string | number = T, secret = SECRET): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')
}

export const DIGEST = hmacHex(BODY)

export type HeaderPairs = Array<[string, string]>

export interface WireCase {
  name: string
  headers: HeaderPairs
  body: string | Uint8Array
  status: number
  /** The problem code; `undefined` when the request is accepted and the handler answers 200. */
  code: string | undefined
}

const SIG = 'x-ledgerly-signature'
const TS = 'x-ledgerly-timestamp'
const JSON_TYPE: [string, string] = ['content-type', 'application/json']

function signed(body: string | Uint8Array, timestamp = T): HeaderPairs {
  return [JSON_TYPE, [SIG, `t=${timestamp},v1=${hmacHex(body, timestamp)}`]]
}

function withSignature(value: string, extra: HeaderPairs = []): HeaderPairs {
  return [JSON_TYPE, [SIG, value], ...extra]
}

function flipHexBit(hex: string, index: number): string {
  return hex.slice(0, index) + (Number.parseInt(hex[index]!, 16) ^ 1).toString(16) + hex.slice(index + 1)
}

const ok = (name: string, headers: HeaderPairs, body: string | Uint8Array = BODY): WireCase => ({
  name: `${name} → 200`,
  headers,
  body,
  status: 200,
  code: undefined,
})

/**
 * GUIDE §2's status for each error code, written out from the GUIDE (not imported from the core), so a
 * test built on it fails when the core's table drifts.
 *
 * @example
 * ```ts
 * expect(answer.status).toBe(GUIDE_STATUS.SIGNATURE_MISMATCH) // 401
 * ```
 */
export const GUIDE_STATUS: Readonly<Record<string, number>> = {
  MISSING_SIGNATURE: 400,
  MALFORMED_SIGNATURE: 400,
  MISSING_TIMESTAMP: 400,
  MALFORMED_TIMESTAMP: 400,
  TIMESTAMP_TOO_OLD: 401,
  TIMESTAMP_TOO_NEW: 401,
  SIGNATURE_MISMATCH: 401,
  PAYLOAD_TOO_LARGE: 413,
  INVALID_PAYLOAD: 400,
  PAYLOAD_NOT_RAW: 500,
}
const STATUS = GUIDE_STATUS

const bad = (
  name: string,
  code: string,
  headers: HeaderPairs,
  body: string | Uint8Array = BODY,
): WireCase => ({
  name: `${name} → ${STATUS[code]} ${code}`,
  headers,
  body,
  status: STATUS[code]!,
  code,
})

const sigValue = (v1: string) => withSignature(`t=${T},v1=${v1}`)
const base64Digest = createHmac('sha256', SECRET).update(`${T}.`).update(BODY).digest('base64')
const latin1 = new Uint8Array([0x7b, 0xff, 0x7d])
const gzipped = gzipSync(BODY)

export const wireCases: WireCase[] = [
  ok('signed compound header', signed(BODY)),
  ok('legacy bare hex + timestamp header', withSignature(DIGEST, [[TS, String(T)]])),
  bad('A1 signature header absent', 'MISSING_SIGNATURE', [JSON_TYPE, [TS, String(T)]]),
  bad('A1 signature header empty', 'MISSING_SIGNATURE', withSignature('')),
  bad('A1 signature header only whitespace', 'MISSING_SIGNATURE', withSignature(' \t ')),
  bad('A2 signature header sent twice', 'MALFORMED_SIGNATURE', [
    ...signed(BODY),
    [SIG, `t=${T},v1=${DIGEST}`],
  ]),
  bad('A3 free text', 'MALFORMED_SIGNATURE', withSignature('hello world', [[TS, String(T)]])),
  bad('A3 element with no "="', 'MALFORMED_SIGNATURE', withSignature(`t=${T},v1=${DIGEST},garbage`)),
  bad('A3 t=1700000000=x', 'MALFORMED_TIMESTAMP', withSignature(`t=${T}=x,v1=${DIGEST}`)),
  bad('A3 v1==…', 'MALFORMED_SIGNATURE', withSignature(`t=${T},v1==${DIGEST}`)),
  bad('A4 duplicate t', 'MALFORMED_SIGNATURE', withSignature(`t=${T},t=${T + 1},v1=${DIGEST}`)),
  bad(
    'A5 16 KiB header',
    'MALFORMED_SIGNATURE',
    withSignature(`t=${T},v1=${DIGEST},x=${'a'.repeat(16 * 1024)}`),
  ),
  bad(
    'A5 a thousand v1',
    'MALFORMED_SIGNATURE',
    withSignature(`t=${T}${`,v1=${'0'.repeat(64)}`.repeat(1000)}`),
  ),
  ok('A6 whitespace around elements', withSignature(`t=${T} ,  v1=${DIGEST}\t`)),
  bad('A7 Latin-1 byte in the header', 'MALFORMED_SIGNATURE', withSignature(`t=${T},v1=${DIGEST},x=\u00e9`)),
  bad('B8 t missing', 'MISSING_TIMESTAMP', withSignature(`v1=${DIGEST}`)),
  bad('B8 t= empty', 'MALFORMED_TIMESTAMP', withSignature(`t=,v1=${DIGEST}`)),
  ...[
    'abc',
    'NaN',
    'Infinity',
    '-1',
    '0',
    `+${T}`,
    '0x6553F100',
    '1.7e9',
    `${T}.5`,
    `${T}abc`,
    `0${T}`,
    '9'.repeat(400),
  ].map((t) =>
    bad(
      `B9/B10 t=${t.length > 20 ? `${t.slice(0, 8)}…` : t}`,
      'MALFORMED_TIMESTAMP',
      withSignature(`t=${t},v1=${DIGEST}`),
    ),
  ),
  bad('B10 timestamp header NBSP', 'MALFORMED_TIMESTAMP', withSignature(DIGEST, [[TS, `\u00a0${T}`]])),
  bad('B11 13 digits (milliseconds)', 'MALFORMED_TIMESTAMP', signed(BODY, T * 1000)),
  bad('B12 now - tolerance - 1', 'TIMESTAMP_TOO_OLD', signed(BODY, T - 301)),
  bad('B12 now + tolerance + 1', 'TIMESTAMP_TOO_NEW', signed(BODY, T + 301)),
  ok('B12 now - tolerance', signed(BODY, T - 300)),
  ok('B12 now + tolerance', signed(BODY, T + 300)),
  bad(
    'B13 t and timestamp header differ',
    'MALFORMED_TIMESTAMP',
    withSignature(`t=${T},v1=${DIGEST}`, [[TS, String(T + 1)]]),
  ),
  bad('C14 v1= empty', 'MALFORMED_SIGNATURE', sigValue('')),
  bad('C14 v1 alone', 'MALFORMED_SIGNATURE', withSignature(`t=${T},v1`)),
  ...[8, 32, 63].map((n) =>
    bad(`C14/C17 ${n}-hex prefix`, 'MALFORMED_SIGNATURE', sigValue(DIGEST.slice(0, n))),
  ),
  bad('C15 digest plus characters', 'MALFORMED_SIGNATURE', sigValue(`${DIGEST}00`)),
  bad('C15 non-hex', 'MALFORMED_SIGNATURE', sigValue('z'.repeat(64))),
  bad('C15 base64 digest', 'MALFORMED_SIGNATURE', sigValue(base64Digest)),
  bad('C15 sha256= prefix', 'MALFORMED_SIGNATURE', sigValue(`sha256=${DIGEST}`)),
  bad('C16 bit flip', 'SIGNATURE_MISMATCH', sigValue(flipHexBit(DIGEST, 40))),
  bad('C16 all zero', 'SIGNATURE_MISMATCH', sigValue('0'.repeat(64))),
  bad('C16 all ones', 'SIGNATURE_MISMATCH', sigValue('f'.repeat(64))),
  bad(
    'C18 several v1, none valid',
    'SIGNATURE_MISMATCH',
    sigValue(`${'0'.repeat(64)},v1=${flipHexBit(DIGEST, 1)}`),
  ),
  ok('C18 several v1, one valid', sigValue(`${'0'.repeat(64)},v1=${DIGEST}`)),
  bad('C19 only v0=', 'MALFORMED_SIGNATURE', withSignature(`t=${T},v0=${DIGEST}`)),
  bad('C19 V1=', 'MALFORMED_SIGNATURE', withSignature(`t=${T},V1=${DIGEST}`)),
  bad('C19 v01=', 'MALFORMED_SIGNATURE', withSignature(`t=${T},v01=${DIGEST}`)),
  ok('C20 t after v1', withSignature(`v1=${DIGEST},t=${T}`)),
  ok('C21 uppercase hex', sigValue(DIGEST.toUpperCase())),
  bad(
    'D22 re-serialised with spaces',
    'SIGNATURE_MISMATCH',
    signed(BODY),
    JSON.stringify(JSON.parse(BODY), null, 1),
  ),
  bad(
    'D22 \\u00e9 for é',
    'SIGNATURE_MISMATCH',
    signed('{"event":"é","data":{"id":"1"}}'),
    '{"event":"\\u00e9","data":{"id":"1"}}',
  ),
  bad('D22 CRLF added', 'SIGNATURE_MISMATCH', signed(BODY), `${BODY}\r\n`),
  bad('D22 BOM added', 'SIGNATURE_MISMATCH', signed(BODY), `\ufeff${BODY}`),
  bad(
    'D23 0xFE for 0xFF (same lossy text)',
    'SIGNATURE_MISMATCH',
    signed(latin1),
    new Uint8Array([0x7b, 0xfe, 0x7d]),
  ),
  bad('D24 empty body, signed', 'INVALID_PAYLOAD', signed(''), ''),
  bad('D24 invalid JSON, signed', 'INVALID_PAYLOAD', signed('{"event":'), '{"event":'),
  bad(
    'D24 __proto__ key, signed',
    'INVALID_PAYLOAD',
    signed('{"__proto__":{"x":1},"event":"e","data":{"id":"1"}}'),
    '{"__proto__":{"x":1},"event":"e","data":{"id":"1"}}',
  ),
  ok('D27 text/plain content type (ignored)', [['content-type', 'text/plain'], signed(BODY)[1]!]),
  ok('D27 charset parameter (ignored)', [
    ['content-type', 'application/json; charset=utf-8'],
    signed(BODY)[1]!,
  ]),
  bad(
    'D27 gzip body (bytes verified as received, not decoded)',
    'SIGNATURE_MISMATCH',
    [...signed(BODY), ['content-encoding', 'gzip']],
    gzipped,
  ),
]

/** Builds a Fetch `Request` for a case (repeated names are appended, so Fetch joins them as `a, b`). */
export function requestFor(url: string, wire: Pick<WireCase, 'headers' | 'body'>): Request {
  const headers = new Headers()
  for (const [name, value] of wire.headers) headers.append(name, value)
  return new Request(url, { method: 'POST', headers, body: wire.body as BodyInit })
}

// bad-inputs.md A–C (signature header, timestamp, signature value) as rows: the headers to send with a
// correctly signed body, and the status and code the adapter must answer.
import { entryBody, NOW, signature, TOLERANCE } from '../helpers/signing.js'

export const BODY = entryBody()
export const { hex: HEX } = signature(BODY)
export const T = String(NOW)

export type Pairs = [string, string][]
export interface Row {
  name: string
  headers: Pairs
  body?: string | Uint8Array
  status: number
  code?: string
}

const sig = (value: string): Pairs => [['x-ledgerly-signature', value]]
const withTs = (value: string, ts = T): Pairs => [...sig(value), ['x-ledgerly-timestamp', ts]]
const flip = (hex: string, index: number) =>
  hex.slice(0, index) + (hex[index] === '0' ? '1' : '0') + hex.slice(index + 1)
const at = (t: number) => ({ headers: sig(signature(BODY, t).header), status: 200 })

export const HEADER_ROWS: Row[] = [
  // A. Signature header presence and shape
  { name: 'no signature header → MISSING_SIGNATURE', headers: [], status: 400, code: 'MISSING_SIGNATURE' },
  {
    name: 'empty signature header → MISSING_SIGNATURE',
    headers: sig(''),
    status: 400,
    code: 'MISSING_SIGNATURE',
  },
  {
    name: 'blank signature header → MISSING_SIGNATURE',
    headers: sig('   '),
    status: 400,
    code: 'MISSING_SIGNATURE',
  },
  {
    name: 'signature header sent twice → MALFORMED_SIGNATURE',
    headers: [...sig(`t=${T},v1=${HEX}`), ...sig(`t=${T},v1=${HEX}`)],
    status: 400,
    code: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'free text → MALFORMED_SIGNATURE',
    headers: sig('hello world'),
    status: 400,
    code: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'element without "=" → MALFORMED_SIGNATURE',
    headers: sig(`t=${T},oops,v1=${HEX}`),
    status: 400,
    code: 'MALFORMED_SIGNATURE',
  },
  {
    name: 't=T=x → MALFORMED_TIMESTAMP',
    headers: sig(`t=${T}=x,v1=${HEX}`),
    status: 400,
    code: 'MALFORMED_TIMESTAMP',
  },
  {
    name: 'v1==abc → MALFORMED_SIGNATURE',
    headers: sig(`t=${T},v1==abc`),
    status: 400,
    code: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'duplicate t → MALFORMED_SIGNATURE',
    headers: sig(`t=${T},t=${T},v1=${HEX}`),
    status: 400,
    code: 'MALFORMED_SIGNATURE',
  },
  {
    name: '8 KiB header (over the 4096 cap) → MALFORMED_SIGNATURE',
    headers: sig(`t=${T},v1=${HEX},x=${'a'.repeat(8192)}`),
    status: 400,
    code: 'MALFORMED_SIGNATURE',
  },
  {
    name: '17 v1 entries (over the 16 cap) → MALFORMED_SIGNATURE',
    headers: sig(`t=${T},${Array.from({ length: 17 }, () => `v1=${HEX}`).join(',')}`),
    status: 400,
    code: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'a thousand short v1 entries → MALFORMED_SIGNATURE',
    headers: sig(`t=${T},${Array.from({ length: 1000 }, () => 'v1=a').join(',')}`),
    status: 400,
    code: 'MALFORMED_SIGNATURE',
  },
  // Node's parser refuses a 16 KiB header itself (431), before any middleware: the server must stay up.
  { name: '16 KiB header → 431 from Node', headers: sig(`t=${T},v1=${'a'.repeat(16 * 1024)}`), status: 431 },
  { name: 'spaces around elements → accepted', headers: sig(`t=${T} ,  v1=${HEX} `), status: 200 },
  { name: 'tab around elements → accepted', headers: sig(`t=${T},\tv1=${HEX}`), status: 200 },
  {
    name: 'Latin-1 byte in the header → MALFORMED_SIGNATURE',
    headers: sig(`t=${T},v1=${HEX},k=caf\u00e9`),
    status: 400,
    code: 'MALFORMED_SIGNATURE',
  },
  // B. Timestamp
  {
    name: 'no t and no timestamp header → MISSING_TIMESTAMP',
    headers: sig(`v1=${HEX}`),
    status: 400,
    code: 'MISSING_TIMESTAMP',
  },
  {
    name: 't= empty → MALFORMED_TIMESTAMP',
    headers: sig(`t=,v1=${HEX}`),
    status: 400,
    code: 'MALFORMED_TIMESTAMP',
  },
  ...[
    'abc',
    'NaN',
    'Infinity',
    '-1',
    '0',
    `+${T}`,
    ` ${T}`,
    '0x6553F100',
    '1.7e9',
    `${T}.5`,
    `${T}abc`,
    `0${T}`,
    '9'.repeat(400),
    '1700000000000',
  ].map(
    (t): Row => ({
      name: `t=${t.length > 20 ? `${t.slice(0, 8)}…(${t.length})` : t} → MALFORMED_TIMESTAMP`,
      headers: sig(`t=${t},v1=${HEX}`),
      status: 400,
      code: 'MALFORMED_TIMESTAMP',
    }),
  ),
  {
    name: 'x-ledgerly-timestamp 13 digits (legacy) → MALFORMED_TIMESTAMP',
    headers: withTs(HEX, '1700000000000'),
    status: 400,
    code: 'MALFORMED_TIMESTAMP',
  },
  {
    name: 'T = now - tolerance - 1 → TIMESTAMP_TOO_OLD',
    ...at(NOW - TOLERANCE - 1),
    status: 401,
    code: 'TIMESTAMP_TOO_OLD',
  },
  {
    name: 'T = now + tolerance + 1 → TIMESTAMP_TOO_NEW',
    ...at(NOW + TOLERANCE + 1),
    status: 401,
    code: 'TIMESTAMP_TOO_NEW',
  },
  { name: 'T = now - tolerance → accepted', ...at(NOW - TOLERANCE) },
  { name: 'T = now + tolerance → accepted', ...at(NOW + TOLERANCE) },
  {
    name: 't and x-ledgerly-timestamp differ → MALFORMED_TIMESTAMP',
    headers: withTs(`t=${T},v1=${HEX}`, String(NOW + 1)),
    status: 400,
    code: 'MALFORMED_TIMESTAMP',
  },
  {
    name: 'x-ledgerly-timestamp sent twice → MALFORMED_TIMESTAMP',
    headers: [...withTs(HEX), ['x-ledgerly-timestamp', T]],
    status: 400,
    code: 'MALFORMED_TIMESTAMP',
  },
  { name: 'legacy bare hex + x-ledgerly-timestamp → accepted', headers: withTs(HEX), status: 200 },
  // C. Signature value
  {
    name: 'v1= empty → MALFORMED_SIGNATURE',
    headers: sig(`t=${T},v1=`),
    status: 400,
    code: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'v1 alone → MALFORMED_SIGNATURE',
    headers: sig(`t=${T},v1`),
    status: 400,
    code: 'MALFORMED_SIGNATURE',
  },
  ...[8, 32, 63].map(
    (n): Row => ({
      name: `${n}-hex prefix of the digest → MALFORMED_SIGNATURE`,
      headers: sig(`t=${T},v1=${HEX.slice(0, n)}`),
      status: 400,
      code: 'MALFORMED_SIGNATURE',
    }),
  ),
  {
    name: 'digest + extra characters → MALFORMED_SIGNATURE',
    headers: sig(`t=${T},v1=${HEX}00`),
    status: 400,
    code: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'non-hex zz… → MALFORMED_SIGNATURE',
    headers: sig(`t=${T},v1=${'z'.repeat(64)}`),
    status: 400,
    code: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'base64 digest → MALFORMED_SIGNATURE',
    headers: sig(`t=${T},v1=${Buffer.from(HEX, 'hex').toString('base64')}`),
    status: 400,
    code: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'sha256= prefix → MALFORMED_SIGNATURE',
    headers: sig(`t=${T},v1=sha256=${HEX}`),
    status: 400,
    code: 'MALFORMED_SIGNATURE',
  },
  ...[0, 31, 63].map(
    (i): Row => ({
      name: `bit flip at hex ${i} → SIGNATURE_MISMATCH`,
      headers: sig(`t=${T},v1=${flip(HEX, i)}`),
      status: 401,
      code: 'SIGNATURE_MISMATCH',
    }),
  ),
  {
    name: 'all-zero digest → SIGNATURE_MISMATCH',
    headers: sig(`t=${T},v1=${'0'.repeat(64)}`),
    status: 401,
    code: 'SIGNATURE_MISMATCH',
  },
  {
    name: 'all-ones digest → SIGNATURE_MISMATCH',
    headers: sig(`t=${T},v1=${'f'.repeat(64)}`),
    status: 401,
    code: 'SIGNATURE_MISMATCH',
  },
  {
    name: 'several v1, none valid → SIGNATURE_MISMATCH',
    headers: sig(`t=${T},v1=${flip(HEX, 1)},v1=${flip(HEX, 2)}`),
    status: 401,
    code: 'SIGNATURE_MISMATCH',
  },
  {
    name: 'several v1, one valid → accepted',
    headers: sig(`t=${T},v1=${flip(HEX, 1)},v1=${HEX}`),
    status: 200,
  },
  ...['v0', 'v2', 'V1', 'v01'].map(
    (key): Row => ({
      name: `digest under ${key}= only → MALFORMED_SIGNATURE`,
      headers: sig(`t=${T},${key}=${HEX}`),
      status: 400,
      code: 'MALFORMED_SIGNATURE',
    }),
  ),
  { name: 't after v1 → accepted', headers: sig(`v1=${HEX},t=${T}`), status: 200 },
  { name: 'uppercase hex → accepted', headers: sig(`t=${T},v1=${HEX.toUpperCase()}`), status: 200 },
]

import { BODY, type Case, compound, DIGEST, hmacHex, T } from '../fixtures.js'

const sig = 'x-ledgerly-signature'

function fetchHeadersTwice(): Headers {
  const headers = new Headers()
  headers.append(sig, `t=${T},v1=${DIGEST}`)
  headers.append(sig, `t=${T},v1=${DIGEST}`)
  return headers
}

/** bad-inputs.md section A: presence and shape of the signature header. */
export const signatureHeaderCases: Case[] = [
  { name: 'valid compound header → valid', headers: compound(), expect: 'valid' },
  {
    name: 'A1 header absent → MISSING_SIGNATURE',
    headers: { 'x-ledgerly-timestamp': String(T) },
    expect: 'MISSING_SIGNATURE',
  },
  { name: 'A1 header empty → MISSING_SIGNATURE', headers: { [sig]: '' }, expect: 'MISSING_SIGNATURE' },
  {
    name: 'A1 header only whitespace → MISSING_SIGNATURE',
    headers: { [sig]: ' \t ' },
    expect: 'MISSING_SIGNATURE',
  },
  {
    name: 'A2 array of two values → MALFORMED_SIGNATURE',
    headers: { [sig]: [compound()[sig]!, compound()[sig]!] },
    expect: 'MALFORMED_SIGNATURE',
  },
  { name: 'A2 array of one value → valid', headers: { [sig]: [compound()[sig]!] }, expect: 'valid' },
  {
    name: 'A2 Fetch Headers appended twice (joined "a, b") → MALFORMED_SIGNATURE',
    headers: fetchHeadersTwice(),
    expect: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'A2 two [name, value] pairs → MALFORMED_SIGNATURE',
    headers: [
      [sig, compound()[sig]!],
      ['X-Ledgerly-Signature', compound()[sig]!],
    ],
    expect: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'A2 record keys differing in case → MALFORMED_SIGNATURE',
    headers: { [sig]: compound()[sig]!, 'X-Ledgerly-Signature': compound()[sig]! },
    expect: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'A3 free text → MALFORMED_SIGNATURE',
    headers: { [sig]: 'hello world', 'x-ledgerly-timestamp': String(T) },
    expect: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'A3 element with no "=" → MALFORMED_SIGNATURE',
    headers: { [sig]: `t=${T},v1=${DIGEST},garbage` },
    expect: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'A3 extra "=" in t (t=1700000000=x) → MALFORMED_TIMESTAMP',
    headers: { [sig]: `t=${T}=x,v1=${DIGEST}` },
    expect: 'MALFORMED_TIMESTAMP',
  },
  {
    name: 'A3 extra "=" in v1 (v1==abc) → MALFORMED_SIGNATURE',
    headers: { [sig]: `t=${T},v1==${DIGEST}` },
    expect: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'A4 duplicate t → MALFORMED_SIGNATURE',
    headers: { [sig]: `t=${T},t=${T + 1},v1=${DIGEST}` },
    expect: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'A4 duplicate equal t → MALFORMED_SIGNATURE',
    headers: { [sig]: `t=${T},t=${T},v1=${DIGEST}` },
    expect: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'A5 16 KiB header → MALFORMED_SIGNATURE',
    headers: { [sig]: `t=${T},v1=${DIGEST},x=${'a'.repeat(16 * 1024)}` },
    expect: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'A5 a thousand v1 entries → MALFORMED_SIGNATURE',
    headers: { [sig]: `t=${T}${`,v1=${'0'.repeat(64)}`.repeat(1000)}` },
    expect: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'A5 seventeen v1 entries (cap 16) → MALFORMED_SIGNATURE',
    headers: { [sig]: `t=${T}${`,v1=${'0'.repeat(64)}`.repeat(17)}` },
    expect: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'A5 sixteen v1 entries, last valid → valid',
    headers: { [sig]: `t=${T}${`,v1=${'0'.repeat(64)}`.repeat(15)},v1=${DIGEST}` },
    expect: 'valid',
  },
  {
    name: 'A6 spaces around elements → valid',
    headers: { [sig]: ` t=${T} ,  v1=${DIGEST} ` },
    expect: 'valid',
  },
  { name: 'A6 tabs around elements → valid', headers: { [sig]: `t=${T},\tv1=${DIGEST}\t` }, expect: 'valid' },
  {
    name: 'A7 non-ASCII character → MALFORMED_SIGNATURE',
    headers: { [sig]: `t=${T},v1=${DIGEST},x=é` },
    expect: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'A7 Latin-1 byte (ÿ) → MALFORMED_SIGNATURE',
    headers: { [sig]: `t=${T},v1=${DIGEST}\u00ff` },
    expect: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'A7 control character → MALFORMED_SIGNATURE',
    headers: { [sig]: `t=${T},v1=${DIGEST}\u0000` },
    expect: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'legacy bare hex + timestamp header → valid',
    headers: { [sig]: DIGEST, 'x-ledgerly-timestamp': String(T) },
    expect: 'valid',
  },
  {
    name: 'legacy bare hex without timestamp header → MISSING_TIMESTAMP',
    headers: { [sig]: DIGEST },
    expect: 'MISSING_TIMESTAMP',
  },
  {
    name: 'legacy with another body → SIGNATURE_MISMATCH',
    headers: { [sig]: hmacHex(`${BODY} `), 'x-ledgerly-timestamp': String(T) },
    expect: 'SIGNATURE_MISMATCH',
  },
  {
    name: 'Map with mixed-case names → valid',
    headers: new Map([['X-Ledgerly-Signature', compound()[sig]!]]),
    expect: 'valid',
  },
  {
    name: '[name, value] pairs → valid',
    headers: [['X-LEDGERLY-SIGNATURE', compound()[sig]!]],
    expect: 'valid',
  },
  { name: 'Fetch Headers → valid', headers: new Headers(compound()), expect: 'valid' },
]

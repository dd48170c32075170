import { BODY, type Case, compound, DIGEST, hmacHex, T } from '../fixtures.js'

const sig = 'x-ledgerly-signature'
const ts = 'x-ledgerly-timestamp'

function badT(name: string, value: string): Case {
  return {
    name: `B9 t=${name} → MALFORMED_TIMESTAMP`,
    headers: { [sig]: `t=${value},v1=${DIGEST}` },
    expect: 'MALFORMED_TIMESTAMP',
  }
}

function badHeader(name: string, value: string): Case {
  return {
    name: `B10 X-Ledgerly-Timestamp ${name} → MALFORMED_TIMESTAMP`,
    headers: { [sig]: DIGEST, [ts]: value },
    expect: 'MALFORMED_TIMESTAMP',
  }
}

/** Signed at `T + offset`, verified at T with the default 300 s tolerance. */
function at(offset: number, expect: string, name: string): Case {
  const stamp = T + offset
  return { name, headers: compound(hmacHex(BODY, stamp), stamp), expect }
}

/** bad-inputs.md section B: the timestamp. */
export const timestampCases: Case[] = [
  {
    name: 'B8 t missing while v1 valid → MISSING_TIMESTAMP',
    headers: { [sig]: `v1=${DIGEST}` },
    expect: 'MISSING_TIMESTAMP',
  },
  {
    name: 'B8 t= empty → MALFORMED_TIMESTAMP',
    headers: { [sig]: `t=,v1=${DIGEST}` },
    expect: 'MALFORMED_TIMESTAMP',
  },
  {
    name: 'B8 t missing, timestamp header present → valid',
    headers: { [sig]: `v1=${DIGEST}`, [ts]: String(T) },
    expect: 'valid',
  },
  {
    name: 'B8 timestamp header empty, no t → MISSING_TIMESTAMP',
    headers: { [sig]: `v1=${DIGEST}`, [ts]: '' },
    expect: 'MISSING_TIMESTAMP',
  },
  badT('abc', 'abc'),
  badT('NaN', 'NaN'),
  badT('Infinity', 'Infinity'),
  badT('-1', '-1'),
  badT('0', '0'),
  badT('+1700000000', `+${T}`),
  badT('" 1700000000" (space after =)', ` ${T}`),
  badT('0x6553F100', '0x6553F100'),
  badT('1.7e9', '1.7e9'),
  badT('1700000000.5', `${T}.5`),
  badT('1700000000abc', `${T}abc`),
  badT('01700000000 (leading zero)', `0${T}`),
  badT('400 digits', '9'.repeat(400)),
  badHeader('NBSP before the digits', `\u00a0${T}`),
  badHeader('full-width digits', '１７００００００００'),
  badHeader('Arabic-Indic digits', '١٧٠٠٠٠٠٠٠٠'),
  {
    name: 'B10 full-width digits in t= (non-ASCII signature header) → MALFORMED_SIGNATURE',
    headers: { [sig]: `t=１７００００００００,v1=${DIGEST}` },
    expect: 'MALFORMED_SIGNATURE',
  },
  badT('11 digits', '17000000000'),
  {
    name: 'B9 timestamp header "1700000000abc" → MALFORMED_TIMESTAMP',
    headers: { [sig]: DIGEST, [ts]: `${T}abc` },
    expect: 'MALFORMED_TIMESTAMP',
  },
  {
    name: 'B11 13 digits (milliseconds) → MALFORMED_TIMESTAMP',
    headers: compound(hmacHex(BODY, T * 1000), T * 1000),
    expect: 'MALFORMED_TIMESTAMP',
  },
  at(-301, 'TIMESTAMP_TOO_OLD', 'B12 now - tolerance - 1 → TIMESTAMP_TOO_OLD'),
  at(301, 'TIMESTAMP_TOO_NEW', 'B12 now + tolerance + 1 → TIMESTAMP_TOO_NEW'),
  at(-300, 'valid', 'B12 now - tolerance (inclusive) → valid'),
  at(300, 'valid', 'B12 now + tolerance (inclusive) → valid'),
  at(-86_400 * 365, 'TIMESTAMP_TOO_OLD', 'B12 a year old → TIMESTAMP_TOO_OLD'),
  {
    name: 'B12 tolerance 0, same second → valid',
    headers: compound(),
    options: { tolerance: 0, now: () => T * 1000 + 999 },
    expect: 'valid',
  },
  {
    name: 'B12 tolerance 0, one second later → TIMESTAMP_TOO_OLD',
    headers: compound(),
    options: { tolerance: 0, now: () => (T + 1) * 1000 },
    expect: 'TIMESTAMP_TOO_OLD',
  },
  {
    name: 'B13 t and timestamp header differ → MALFORMED_TIMESTAMP',
    headers: { ...compound(), [ts]: String(T + 1) },
    expect: 'MALFORMED_TIMESTAMP',
  },
  {
    name: 'B13 t and timestamp header equal → valid',
    headers: { ...compound(), [ts]: String(T) },
    expect: 'valid',
  },
  {
    name: 'B13 timestamp header sent twice → MALFORMED_TIMESTAMP',
    headers: { ...compound(), [ts]: [String(T), String(T)] },
    expect: 'MALFORMED_TIMESTAMP',
  },
]

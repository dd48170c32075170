import { createHmac } from 'node:crypto'
import { BODY, type Case, compound, DIGEST, flipHexBit, SECRET, T } from '../fixtures.js'

const sig = 'x-ledgerly-signature'
const ts = 'x-ledgerly-timestamp'
const base64Digest = createHmac('sha256', SECRET).update(`${T}.`).update(BODY).digest('base64')

function value(name: string, v1: string, expect = 'MALFORMED_SIGNATURE'): Case {
  return { name: `${name} → ${expect}`, headers: { [sig]: `t=${T},v1=${v1}` }, expect }
}

/** bad-inputs.md section C: the signature value. */
export const signatureValueCases: Case[] = [
  value('C14 v1= empty', ''),
  {
    name: 'C14 v1 alone (no "=") → MALFORMED_SIGNATURE',
    headers: { [sig]: `t=${T},v1` },
    expect: 'MALFORMED_SIGNATURE',
  },
  value('C14 8-hex prefix', DIGEST.slice(0, 8)),
  value('C14 32-hex prefix', DIGEST.slice(0, 32)),
  value('C14 63-hex prefix', DIGEST.slice(0, 63)),
  value('C15 digest plus extra characters', `${DIGEST}00`),
  value('C15 digest plus one character (odd length)', `${DIGEST}0`),
  value('C15 non-hex zz…', 'z'.repeat(64)),
  value('C15 non-hex g…', `g${DIGEST.slice(1)}`),
  value('C15 base64 of the digest', base64Digest),
  value('C15 sha256= prefix', `sha256=${DIGEST}`),
  {
    name: 'C15 legacy header "sha256=<hex>" → MALFORMED_SIGNATURE',
    headers: { [sig]: `sha256=${DIGEST}`, [ts]: String(T) },
    expect: 'MALFORMED_SIGNATURE',
  },
  value('C16 first bit flipped', flipHexBit(DIGEST, 0), 'SIGNATURE_MISMATCH'),
  value('C16 last bit flipped', flipHexBit(DIGEST, 63), 'SIGNATURE_MISMATCH'),
  value('C16 middle bit flipped', flipHexBit(DIGEST, 31), 'SIGNATURE_MISMATCH'),
  value('C16 all zero', '0'.repeat(64), 'SIGNATURE_MISMATCH'),
  value('C16 all ones', 'f'.repeat(64), 'SIGNATURE_MISMATCH'),
  value('C17 truncated 128-bit tag', DIGEST.slice(0, 32)),
  {
    name: 'C18 several v1, none valid → SIGNATURE_MISMATCH',
    headers: { [sig]: `t=${T},v1=${'0'.repeat(64)},v1=${flipHexBit(DIGEST, 5)}` },
    expect: 'SIGNATURE_MISMATCH',
  },
  {
    name: 'C18 several v1, one valid → valid',
    headers: { [sig]: `t=${T},v1=${'0'.repeat(64)},v1=${DIGEST}` },
    expect: 'valid',
  },
  {
    name: 'C18 one malformed v1 among valid ones → MALFORMED_SIGNATURE',
    headers: { [sig]: `t=${T},v1=zz,v1=${DIGEST}` },
    expect: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'C19 only v0= → MALFORMED_SIGNATURE',
    headers: { [sig]: `t=${T},v0=${DIGEST}` },
    expect: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'C19 only v2= → MALFORMED_SIGNATURE',
    headers: { [sig]: `t=${T},v2=${DIGEST}` },
    expect: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'C19 V1= (uppercase key) → MALFORMED_SIGNATURE',
    headers: { [sig]: `t=${T},V1=${DIGEST}` },
    expect: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'C19 "v1 =" (space in key) → MALFORMED_SIGNATURE',
    headers: { [sig]: `t=${T},v1 =${DIGEST}` },
    expect: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'C19 v01= → MALFORMED_SIGNATURE',
    headers: { [sig]: `t=${T},v01=${DIGEST}` },
    expect: 'MALFORMED_SIGNATURE',
  },
  {
    name: 'C19 unknown keys next to v1 are ignored → valid',
    headers: { [sig]: `t=${T},v0=abc,v1=${DIGEST},v2=x` },
    expect: 'valid',
  },
  { name: 'C20 t after v1 → valid', headers: { [sig]: `v1=${DIGEST},t=${T}` }, expect: 'valid' },
  { name: 'C21 uppercase hex → valid', headers: compound(DIGEST.toUpperCase()), expect: 'valid' },
  {
    name: 'C21 uppercase hex, legacy form → valid',
    headers: { [sig]: DIGEST.toUpperCase(), [ts]: String(T) },
    expect: 'valid',
  },
]

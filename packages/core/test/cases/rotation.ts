import { BODY, type Case, compound, hmacHex, T } from '../fixtures.js'

const OLD = 'old-secret-2025'
const NEW = 'new-secret-2026'
const sig = 'x-ledgerly-signature'

/** bad-inputs.md E30 and rotation: any v1 × any secret, reporting which secret matched. */
export const rotationCases: Case[] = [
  {
    name: 'E30 old secret while receiver holds [new, old] → valid, secretIndex 1',
    headers: compound(hmacHex(BODY, T, OLD)),
    options: { secret: [NEW, OLD] },
    expect: 'valid',
    secretIndex: 1,
  },
  {
    name: 'E30 old secret while receiver holds only new → SIGNATURE_MISMATCH',
    headers: compound(hmacHex(BODY, T, OLD)),
    options: { secret: NEW },
    expect: 'SIGNATURE_MISMATCH',
  },
  {
    name: 'rotation: sender signs with both, receiver holds only new → valid, secretIndex 0',
    headers: { [sig]: `t=${T},v1=${hmacHex(BODY, T, NEW)},v1=${hmacHex(BODY, T, OLD)}` },
    options: { secret: NEW },
    expect: 'valid',
    secretIndex: 0,
  },
  {
    name: 'rotation: sender signs with both, receiver holds only old → valid, secretIndex 0',
    headers: { [sig]: `t=${T},v1=${hmacHex(BODY, T, NEW)},v1=${hmacHex(BODY, T, OLD)}` },
    options: { secret: [OLD] },
    expect: 'valid',
    secretIndex: 0,
  },
  {
    name: 'secret is UTF-8 verbatim (no base64, no prefix stripping) → valid',
    headers: compound(hmacHex(BODY, T, 'whsec_c2VjcmV0')),
    options: { secret: 'whsec_c2VjcmV0' },
    expect: 'valid',
  },
  {
    name: 'non-ASCII secret is UTF-8 encoded → valid',
    headers: compound(hmacHex(BODY, T, 'sécret-ünïcode')),
    options: { secret: 'sécret-ünïcode' },
    expect: 'valid',
  },
]

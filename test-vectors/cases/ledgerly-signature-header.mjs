// Hand-written: rejected Ledgerly signature headers (the hostile-input list, A and C). The right digest
// is taken from the signer where a case needs one, so that only the defect under test makes the request
// fail.
import { entryBody, FIXED, no } from '../scripts/lib/kit.mjs'

const { secret, oldSecret, t } = FIXED
const SIG = 'X-Ledgerly-Signature'
const TS = 'X-Ledgerly-Timestamp'
const body = entryBody()

export const file = 'ledgerly-signature-header.json'
export const title = 'Ledgerly scheme: signature headers a verifier must reject (hand-written)'

function flip(hex, index) {
  const nibble = Number.parseInt(hex[index], 16) ^ 1
  return hex.slice(0, index) + nibble.toString(16) + hex.slice(index + 1)
}

export function build(kit) {
  const hex = kit.hex(secret, t, body)
  const compound = `t=${t},v1=${hex}`
  const digestBase64 = Buffer.from(hex, 'hex').toString('base64')
  const c = (id, description, headers, code) => ({ id, description, headers, body, expected: no(code) })
  return [
    // A1: absent, empty, blank
    c(
      'signature-absent',
      'No X-Ledgerly-Signature at all (timestamp header present)',
      [[TS, String(t)]],
      'MISSING_SIGNATURE',
    ),
    c('signature-absent-no-headers', 'No headers at all', [], 'MISSING_SIGNATURE'),
    c(
      'signature-empty',
      'X-Ledgerly-Signature present but empty',
      [
        [SIG, ''],
        [TS, String(t)],
      ],
      'MISSING_SIGNATURE',
    ),
    c(
      'signature-spaces-only',
      'X-Ledgerly-Signature of spaces only',
      [
        [SIG, '    '],
        [TS, String(t)],
      ],
      'MISSING_SIGNATURE',
    ),
    c(
      'signature-tabs-only',
      'X-Ledgerly-Signature of tabs and spaces only',
      [
        [SIG, '\t \t'],
        [TS, String(t)],
      ],
      'MISSING_SIGNATURE',
    ),
    // A2: repeated header, joined duplicates
    c(
      'signature-repeated-identical',
      'The signature header sent twice with the same right value: rejected, never joined',
      [
        [SIG, compound],
        [SIG, compound],
      ],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'signature-repeated-name-case',
      'The signature header sent twice under differently cased names',
      [
        [SIG, compound],
        [SIG.toLowerCase(), compound],
      ],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'signature-repeated-one-empty',
      'The signature header sent twice, once empty: still a repeat',
      [
        [SIG, compound],
        [SIG, ''],
      ],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'signature-joined-compound',
      'Two compound headers joined by a proxy as "a, b": two t elements',
      [[SIG, `${compound}, ${compound}`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'signature-joined-legacy',
      'Two legacy values joined as "a, b": not 64 hex digits',
      [
        [SIG, `${hex}, ${hex}`],
        [TS, String(t)],
      ],
      'MALFORMED_SIGNATURE',
    ),
    // A3: free text, elements without "=", extra "="
    c(
      'signature-free-text',
      'Free text in the signature header',
      [
        [SIG, 'hello world'],
        [TS, String(t)],
      ],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'element-without-equals',
      'An element with no "=" next to valid ones',
      [[SIG, `${compound},garbage`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'empty-element-middle',
      'An empty element between commas',
      [[SIG, `t=${t},,v1=${hex}`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'trailing-comma',
      'A trailing comma leaves an empty element',
      [[SIG, `${compound},`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'leading-comma',
      'A leading comma leaves an empty element',
      [[SIG, `,${compound}`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'v1-double-equals',
      '"v1==<hex>": the value starts with "=", so it is not 64 hex digits',
      [[SIG, `t=${t},v1==${hex}`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      't-extra-equals-without-v1',
      'The header "t=1700000000=x" alone: no v1, and the signature is checked before the timestamp',
      [[SIG, `t=${t}=x`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'v1-equals-inside',
      'v1 value with "=" inside',
      [[SIG, `t=${t},v1=${hex.slice(0, 32)}=${hex.slice(33)}`]],
      'MALFORMED_SIGNATURE',
    ),
    // A4: duplicate t
    c(
      'duplicate-t-different',
      'Two t elements with different values',
      [[SIG, `t=${t},t=${t + 1},v1=${hex}`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'duplicate-t-same',
      'Two t elements with the same value',
      [[SIG, `t=${t},t=${t},v1=${hex}`]],
      'MALFORMED_SIGNATURE',
    ),
    // A5: bounded work
    c(
      'header-4097-chars',
      'A signature header of 4097 characters after trimming (one over the cap)',
      [[SIG, `t=${t},v1=${hex},pad=`.padEnd(4097, 'x')]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'header-16-kib',
      'A 16 KiB signature header',
      [[SIG, `t=${t},v1=${hex},pad=`.padEnd(16384, 'x')]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'seventeen-v1',
      '17 v1 entries (one over the cap), the right one among them',
      [[SIG, [`t=${t}`, ...Array.from({ length: 16 }, () => `v1=${'e'.repeat(64)}`), `v1=${hex}`].join(',')]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'seventeen-short-v1',
      '17 short v1 entries within the length cap',
      [[SIG, [`t=${t}`, ...Array.from({ length: 17 }, () => 'v1=ab')].join(',')]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'thousand-v1',
      'A thousand v1 entries',
      [[SIG, [`t=${t}`, ...Array.from({ length: 1000 }, () => `v1=${hex}`)].join(',')]],
      'MALFORMED_SIGNATURE',
    ),
    // A7: non-ASCII and control characters
    c(
      'non-ascii-in-header',
      'A non-ASCII character (é) in an ignored element',
      [[SIG, `${compound},note=é`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'latin1-byte-in-header',
      'A Latin-1 character (ÿ, U+00FF) in the header',
      [[SIG, `t=${t},v1=${hex}\u00ff`]],
      'MALFORMED_SIGNATURE',
    ),
    c('emoji-in-header', 'An emoji in the header', [[SIG, `t=${t},v1=${hex},x=🔑`]], 'MALFORMED_SIGNATURE'),
    c(
      'control-char-in-header',
      'A control character (U+0001) inside the header',
      [[SIG, `t=${t},\u0001v1=${hex}`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'nul-in-header',
      'A NUL character inside the header',
      [[SIG, `t=${t},v1=${hex}\u0000`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'del-in-header',
      'A DEL character (U+007F) inside the header',
      [[SIG, `t=${t},v1=${hex},x=\u007f`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'newline-in-header',
      'A line feed inside the header',
      [[SIG, `t=${t},\nv1=${hex}`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'fullwidth-digits-in-t',
      'Full-width digits in t= are non-ASCII, so the whole signature header is rejected',
      [[SIG, `t=１７００００００００,v1=${hex}`]],
      'MALFORMED_SIGNATURE',
    ),
    // C14: empty or short v1
    c('v1-empty', '"v1=" with an empty value', [[SIG, `t=${t},v1=`]], 'MALFORMED_SIGNATURE'),
    c('v1-alone', '"v1" alone, no "="', [[SIG, `t=${t},v1`]], 'MALFORMED_SIGNATURE'),
    c(
      'v1-prefix-8',
      'The first 8 hex digits of the right digest',
      [[SIG, `t=${t},v1=${hex.slice(0, 8)}`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'v1-prefix-32',
      'The first 32 hex digits of the right digest (a truncated 128-bit tag)',
      [[SIG, `t=${t},v1=${hex.slice(0, 32)}`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'v1-prefix-63',
      'The first 63 hex digits of the right digest',
      [[SIG, `t=${t},v1=${hex.slice(0, 63)}`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'legacy-prefix-32',
      'A truncated 128-bit tag in the legacy form',
      [
        [SIG, hex.slice(0, 32)],
        [TS, String(t)],
      ],
      'MALFORMED_SIGNATURE',
    ),
    // C15: extra characters, odd length, non-hex, other encodings
    c(
      'v1-extra-char',
      'The right digest plus one hex digit (65)',
      [[SIG, `t=${t},v1=${hex}0`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'v1-extra-byte',
      'The right digest plus one byte (66 hex digits)',
      [[SIG, `t=${t},v1=${hex}00`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'v1-extra-letter',
      'The right digest plus a letter',
      [[SIG, `t=${t},v1=${hex}x`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'v1-non-hex-z',
      '64 characters with a "z"',
      [[SIG, `t=${t},v1=${'z'.repeat(2)}${hex.slice(2)}`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'v1-non-hex-g',
      '64 characters starting with "g"',
      [[SIG, `t=${t},v1=g${hex.slice(1)}`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'v1-inner-space',
      '64 characters with a space inside',
      [[SIG, `t=${t},v1=${hex.slice(0, 31)} ${hex.slice(32)}`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'v1-base64',
      'The right digest in base64 instead of hex',
      [[SIG, `t=${t},v1=${digestBase64}`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'v1-sha256-prefix',
      'A "sha256=" prefix inside the v1 value',
      [[SIG, `t=${t},v1=sha256=${hex}`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'github-style-header',
      'A GitHub-style "sha256=<hex>" header: no v1 element',
      [
        [SIG, `sha256=${hex}`],
        [TS, String(t)],
      ],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'legacy-odd-length',
      'Legacy form with 63 hex digits',
      [
        [SIG, hex.slice(1)],
        [TS, String(t)],
      ],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'legacy-non-hex',
      'Legacy form with a non-hex character',
      [
        [SIG, `${hex.slice(0, 63)}z`],
        [TS, String(t)],
      ],
      'MALFORMED_SIGNATURE',
    ),
    // C16: bit flips, zero, ones
    c(
      'bit-flip-first',
      'The right digest with one bit flipped in the first digit',
      [[SIG, `t=${t},v1=${flip(hex, 0)}`]],
      'SIGNATURE_MISMATCH',
    ),
    c(
      'bit-flip-middle',
      'The right digest with one bit flipped in the middle',
      [[SIG, `t=${t},v1=${flip(hex, 31)}`]],
      'SIGNATURE_MISMATCH',
    ),
    c(
      'bit-flip-last',
      'The right digest with one bit flipped in the last digit',
      [[SIG, `t=${t},v1=${flip(hex, 63)}`]],
      'SIGNATURE_MISMATCH',
    ),
    c(
      'legacy-bit-flip',
      'Legacy form with one bit flipped',
      [
        [SIG, flip(hex, 10)],
        [TS, String(t)],
      ],
      'SIGNATURE_MISMATCH',
    ),
    c('all-zero-digest', 'An all-zero digest', [[SIG, `t=${t},v1=${'0'.repeat(64)}`]], 'SIGNATURE_MISMATCH'),
    c('all-ones-digest', 'An all-ones digest', [[SIG, `t=${t},v1=${'f'.repeat(64)}`]], 'SIGNATURE_MISMATCH'),
    c(
      'all-ones-digest-upper',
      'An all-ones digest in uppercase',
      [[SIG, `t=${t},v1=${'F'.repeat(64)}`]],
      'SIGNATURE_MISMATCH',
    ),
    // C18: several v1, none valid
    c(
      'several-v1-none-valid',
      'Three well-formed v1 entries, none right',
      [[SIG, `t=${t},v1=${flip(hex, 0)},v1=${flip(hex, 5)},v1=${'1'.repeat(64)}`]],
      'SIGNATURE_MISMATCH',
    ),
    c(
      'several-v1-one-malformed',
      'One right v1 and one malformed v1: every v1 must be 64 hex digits',
      [[SIG, `t=${t},v1=${hex},v1=abc`]],
      'MALFORMED_SIGNATURE',
    ),
    // C19: no usable v1
    c(
      'only-v0',
      'Only a v0 element with the right digest',
      [[SIG, `t=${t},v0=${hex}`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'only-v2',
      'Only a v2 element with the right digest',
      [[SIG, `t=${t},v2=${hex}`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'uppercase-v1-key-name',
      'The right digest under "V1=": keys match exactly',
      [[SIG, `t=${t},V1=${hex}`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'v1-key-space-before-equals',
      'The right digest under "v1 =": the key is "v1 "',
      [[SIG, `t=${t},v1 =${hex}`]],
      'MALFORMED_SIGNATURE',
    ),
    c('v01-key', 'The right digest under "v01="', [[SIG, `t=${t},v01=${hex}`]], 'MALFORMED_SIGNATURE'),
    c('only-t', 'Only "t=<T>": no signature at all', [[SIG, `t=${t}`]], 'MALFORMED_SIGNATURE'),
    c(
      'uppercase-t-key-name',
      'The timestamp under "T=" is an unknown key, so there is no timestamp',
      [[SIG, `T=${t},v1=${hex}`]],
      'MISSING_TIMESTAMP',
    ),
    // wrong key or content
    c(
      'wrong-secret',
      'Signed with another secret',
      [[SIG, kit.compound(oldSecret, t, body)]],
      'SIGNATURE_MISMATCH',
    ),
    c(
      'secret-case-differs',
      'Signed with the secret in uppercase',
      [[SIG, kit.compound(secret.toUpperCase(), t, body)]],
      'SIGNATURE_MISMATCH',
    ),
    c(
      'secret-prefix',
      'Signed with a prefix of the secret',
      [[SIG, kit.compound(secret.slice(0, -1), t, body)]],
      'SIGNATURE_MISMATCH',
    ),
    c(
      'signed-other-timestamp',
      'Digest of "T+1.body" sent with t=T',
      [[SIG, `t=${t},v1=${kit.hex(secret, t + 1, body)}`]],
      'SIGNATURE_MISMATCH',
    ),
    c(
      'legacy-timestamp-header-differs',
      'Legacy digest for T sent with X-Ledgerly-Timestamp T+1',
      [
        [SIG, hex],
        [TS, String(t + 1)],
      ],
      'SIGNATURE_MISMATCH',
    ),
  ]
}

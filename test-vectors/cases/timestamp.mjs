// Hand-written: timestamp shape, agreement and tolerance (the hostile-input list, section B), plus the
// check order between the stages. Signatures are right unless the case says otherwise.
import { entryBody, FIXED, no } from '../scripts/lib/kit.mjs'

const { secret, t } = FIXED
const SIG = 'X-Ledgerly-Signature'
const TS = 'X-Ledgerly-Timestamp'
const body = entryBody()

export const file = 'timestamp.json'
export const title = 'Ledgerly scheme: timestamps and tolerance (hand-written)'

/** Timestamp spellings that are not 1 to 10 ASCII digits without sign or leading zero. */
const BAD_SPELLINGS = [
  ['abc', 'letters'],
  ['NaN', 'NaN'],
  ['Infinity', 'Infinity'],
  ['-1', 'a negative number'],
  ['0', 'zero'],
  ['+1700000000', 'a plus sign'],
  ['0x6553F100', 'hexadecimal'],
  ['1.7e9', 'exponent notation'],
  ['1700000000.5', 'a fraction'],
  ['1700000000abc', 'trailing letters'],
  ['01700000000', 'a leading zero'],
  ['0001', 'several leading zeros'],
  ['17000000000', '11 digits'],
  ['1700000000000', '13 digits (milliseconds)'],
  ['1'.repeat(400), '400 digits'],
  ['1 700000000', 'an inner space'],
]

export function build(kit) {
  const hex = kit.hex(secret, t, body)
  const c = (id, description, headers, code, extra = {}) => ({
    id,
    description,
    headers,
    body,
    expected: no(code),
    ...extra,
  })
  const cases = []
  for (const [spelling, what] of BAD_SPELLINGS) {
    const slug = what
      .replace(/[^a-z0-9]+/gi, '-')
      .replace(/-$/, '')
      .toLowerCase()
    cases.push(
      c(
        `t-${slug}`,
        `t= written with ${what}: "${spelling.length > 20 ? `${spelling.slice(0, 12)}…` : spelling}"`,
        [[SIG, `t=${spelling},v1=${hex}`]],
        'MALFORMED_TIMESTAMP',
      ),
    )
    cases.push(
      c(
        `header-${slug}`,
        `X-Ledgerly-Timestamp written with ${what} (legacy form)`,
        [
          [SIG, hex],
          [TS, spelling],
        ],
        'MALFORMED_TIMESTAMP',
      ),
    )
  }
  cases.push(
    c(
      't-leading-space-in-value',
      '"t= 1700000000": the space is inside the value, after the "="',
      [[SIG, `t= ${t},v1=${hex}`]],
      'MALFORMED_TIMESTAMP',
    ),
    c(
      't-extra-equals-in-value',
      '"t=1700000000=x": split at the first "=", so the value "1700000000=x" is not all digits',
      [[SIG, `t=${t}=x,v1=${hex}`]],
      'MALFORMED_TIMESTAMP',
    ),
    c(
      'header-leading-space',
      'X-Ledgerly-Timestamp " 1700000000" (value not trimmed)',
      [
        [SIG, hex],
        [TS, ` ${t}`],
      ],
      'MALFORMED_TIMESTAMP',
    ),
    c(
      'header-fullwidth-digits',
      'X-Ledgerly-Timestamp in full-width digits',
      [
        [SIG, hex],
        [TS, '１７００００００００'],
      ],
      'MALFORMED_TIMESTAMP',
    ),
    c(
      'header-arabic-indic-digits',
      'X-Ledgerly-Timestamp in Arabic-Indic digits',
      [
        [SIG, hex],
        [TS, '١٧٠٠٠٠٠٠٠٠'],
      ],
      'MALFORMED_TIMESTAMP',
    ),
    c(
      'arabic-indic-digits-in-t',
      'Arabic-Indic digits in t= make the signature header non-ASCII',
      [[SIG, `t=١٧٠٠٠٠٠٠٠٠,v1=${hex}`]],
      'MALFORMED_SIGNATURE',
    ),
    c(
      't-missing',
      'Compound header with v1 only and no X-Ledgerly-Timestamp',
      [[SIG, `v1=${hex}`]],
      'MISSING_TIMESTAMP',
    ),
    c('t-empty', '"t=" with an empty value', [[SIG, `t=,v1=${hex}`]], 'MALFORMED_TIMESTAMP'),
    c(
      'legacy-without-timestamp',
      'Legacy bare hex and no X-Ledgerly-Timestamp',
      [[SIG, hex]],
      'MISSING_TIMESTAMP',
    ),
    c(
      'legacy-blank-timestamp',
      'Legacy bare hex and a blank X-Ledgerly-Timestamp',
      [
        [SIG, hex],
        [TS, '  '],
      ],
      'MISSING_TIMESTAMP',
    ),
    c(
      't-and-header-disagree',
      't= and X-Ledgerly-Timestamp differ by one second',
      [
        [SIG, `t=${t},v1=${hex}`],
        [TS, String(t + 1)],
      ],
      'MALFORMED_TIMESTAMP',
    ),
    c(
      't-and-header-disagree-far',
      't= and X-Ledgerly-Timestamp differ widely',
      [
        [SIG, `t=${t},v1=${hex}`],
        [TS, '1600000000'],
      ],
      'MALFORMED_TIMESTAMP',
    ),
    c(
      't-valid-header-malformed',
      't= valid but X-Ledgerly-Timestamp malformed',
      [
        [SIG, `t=${t},v1=${hex}`],
        [TS, 'abc'],
      ],
      'MALFORMED_TIMESTAMP',
    ),
    c(
      'timestamp-header-repeated',
      'X-Ledgerly-Timestamp sent twice with the same value',
      [
        [SIG, `t=${t},v1=${hex}`],
        [TS, String(t)],
        [TS, String(t)],
      ],
      'MALFORMED_TIMESTAMP',
    ),
    c(
      'timestamp-header-repeated-legacy',
      'Legacy form with X-Ledgerly-Timestamp sent twice',
      [
        [SIG, hex],
        [TS, String(t)],
        [TS.toLowerCase(), String(t)],
      ],
      'MALFORMED_TIMESTAMP',
    ),
    c(
      'timestamp-header-joined',
      'X-Ledgerly-Timestamp joined by a proxy as "T, T"',
      [
        [SIG, hex],
        [TS, `${t}, ${t}`],
      ],
      'MALFORMED_TIMESTAMP',
    ),
    // tolerance, one second outside each boundary
    c(
      'tolerance-old-by-one',
      'now = T + 301 with tolerance 300',
      [[SIG, `t=${t},v1=${hex}`]],
      'TIMESTAMP_TOO_OLD',
      { now: t + 301 },
    ),
    c(
      'tolerance-new-by-one',
      'now = T - 301 with tolerance 300',
      [[SIG, `t=${t},v1=${hex}`]],
      'TIMESTAMP_TOO_NEW',
      { now: t - 301 },
    ),
    c('tolerance-zero-old', 'tolerance 0, now = T + 1', [[SIG, `t=${t},v1=${hex}`]], 'TIMESTAMP_TOO_OLD', {
      now: t + 1,
      tolerance: 0,
    }),
    c('tolerance-zero-new', 'tolerance 0, now = T - 1', [[SIG, `t=${t},v1=${hex}`]], 'TIMESTAMP_TOO_NEW', {
      now: t - 1,
      tolerance: 0,
    }),
    c('tolerance-60-old', 'tolerance 60, now = T + 61', [[SIG, `t=${t},v1=${hex}`]], 'TIMESTAMP_TOO_OLD', {
      now: t + 61,
      tolerance: 60,
    }),
    c('tolerance-60-new', 'tolerance 60, now = T - 61', [[SIG, `t=${t},v1=${hex}`]], 'TIMESTAMP_TOO_NEW', {
      now: t - 61,
      tolerance: 60,
    }),
    c(
      'legacy-tolerance-old',
      'Legacy form, now = T + 301',
      [
        [SIG, hex],
        [TS, String(t)],
      ],
      'TIMESTAMP_TOO_OLD',
      { now: t + 301 },
    ),
    c(
      'replay-a-day-later',
      'A right request replayed a day later',
      [[SIG, `t=${t},v1=${hex}`]],
      'TIMESTAMP_TOO_OLD',
      { now: t + 86400 },
    ),
    c(
      'timestamp-one-far-past',
      'T = 1 with now = 1700000000',
      [[SIG, `t=1,v1=${kit.hex(secret, 1, body)}`]],
      'TIMESTAMP_TOO_OLD',
    ),
    c(
      'timestamp-max-far-future',
      'T = 9999999999 with now = 1700000000',
      [[SIG, `t=9999999999,v1=${kit.hex(secret, 9999999999, body)}`]],
      'TIMESTAMP_TOO_NEW',
    ),
    // check order between stages
    c(
      'order-missing-signature-before-timestamp',
      'No signature and no timestamp: the signature is checked first',
      [],
      'MISSING_SIGNATURE',
    ),
    c(
      'order-malformed-signature-before-timestamp',
      'Malformed v1 and malformed t: the signature shape is checked first',
      [[SIG, 't=abc,v1=xyz']],
      'MALFORMED_SIGNATURE',
    ),
    c(
      'order-malformed-timestamp-before-tolerance',
      'Malformed X-Ledgerly-Timestamp with a stale t: shape before tolerance',
      [
        [SIG, `t=${t},v1=${hex}`],
        [TS, 'x'],
      ],
      'MALFORMED_TIMESTAMP',
      { now: t + 10000 },
    ),
    c(
      'order-tolerance-before-mac',
      'Stale timestamp and a wrong digest: tolerance is checked before the HMAC',
      [[SIG, `t=${t},v1=${'0'.repeat(64)}`]],
      'TIMESTAMP_TOO_OLD',
      { now: t + 301 },
    ),
    c(
      'order-future-before-mac',
      'Future timestamp and a wrong digest',
      [[SIG, `t=${t},v1=${'0'.repeat(64)}`]],
      'TIMESTAMP_TOO_NEW',
      { now: t - 301 },
    ),
  )
  return cases
}

// Accepted Ledgerly requests, built from the core signer: both header forms, header-name casing,
// whitespace, key order, case of the hex, unknown keys, caps at their limit, tolerance boundaries.
import { entryBody, FIXED, ok } from '../scripts/lib/kit.mjs'

const { secret, unicodeSecret, t } = FIXED
const SIG = 'X-Ledgerly-Signature'
const TS = 'X-Ledgerly-Timestamp'
const body = entryBody()
const EVENT = 'entry_persisted'
const ID = 'ent_01HZX3Q4R5'

export const file = 'ledgerly-valid.json'
export const title = 'Ledgerly scheme: requests a verifier must accept (generated from the signer)'

export function build(kit) {
  const hex = kit.hex(secret, t, body)
  const compound = kit.compound(secret, t, body)
  const cases = [
    {
      id: 'compound-with-timestamp-header',
      description: 'The compound header and X-Ledgerly-Timestamp, as the dispatcher sends them',
      headers: [
        [SIG, compound],
        [TS, String(t)],
      ],
    },
    {
      id: 'compound-only',
      description: 'The compound header alone: t= is enough',
      headers: [[SIG, compound]],
    },
    {
      id: 'compound-without-t-with-timestamp-header',
      description: 'A compound header with v1 only, the timestamp in X-Ledgerly-Timestamp',
      headers: [
        [SIG, `v1=${hex}`],
        [TS, String(t)],
      ],
    },
    {
      id: 'legacy-split-form',
      description: "The seed's legacy form: bare hex plus X-Ledgerly-Timestamp",
      headers: [
        [SIG, hex],
        [TS, String(t)],
      ],
    },
    {
      id: 'header-names-lowercase',
      description: 'Header names are case-insensitive (lowercase)',
      headers: [
        [SIG.toLowerCase(), compound],
        [TS.toLowerCase(), String(t)],
      ],
    },
    {
      id: 'header-names-uppercase',
      description: 'Header names are case-insensitive (uppercase)',
      headers: [
        [SIG.toUpperCase(), compound],
        [TS.toUpperCase(), String(t)],
      ],
    },
    {
      id: 'header-names-mixed-case',
      description: 'Header names are case-insensitive (mixed)',
      headers: [['x-LEDGERLY-signature', compound]],
    },
    {
      id: 'uppercase-hex-compound',
      description: 'Uppercase hex of the right digest is accepted',
      headers: [[SIG, `t=${t},v1=${hex.toUpperCase()}`]],
    },
    {
      id: 'mixed-case-hex-compound',
      description: 'Mixed-case hex of the right digest is accepted',
      headers: [[SIG, `t=${t},v1=${hex.slice(0, 32).toUpperCase()}${hex.slice(32)}`]],
    },
    {
      id: 'uppercase-hex-legacy',
      description: 'Uppercase hex in the legacy form is accepted',
      headers: [
        [SIG, hex.toUpperCase()],
        [TS, String(t)],
      ],
    },
    {
      id: 'space-after-comma',
      description: 'A space after the comma is trimmed',
      headers: [[SIG, `t=${t}, v1=${hex}`]],
    },
    {
      id: 'spaces-around-elements',
      description: 'Spaces on both sides of every element are trimmed',
      headers: [[SIG, `  t=${t} ,  v1=${hex}  `]],
    },
    {
      id: 'tabs-around-elements',
      description: 'Tabs around elements are trimmed',
      headers: [[SIG, `\tt=${t}\t,\tv1=${hex}\t`]],
    },
    {
      id: 'leading-space-before-v1-key',
      description: 'A space before the v1 key is element whitespace, trimmed',
      headers: [
        [SIG, `t=${t}, v1=${hex}`],
        [TS, String(t)],
      ],
    },
    {
      id: 'legacy-surrounding-spaces',
      description: 'The legacy bare hex with surrounding spaces is trimmed',
      headers: [
        [SIG, `  ${hex}  `],
        [TS, String(t)],
      ],
    },
    {
      id: 't-after-v1',
      description: 'Elements are read by key, not position: v1 before t',
      headers: [[SIG, `v1=${hex},t=${t}`]],
    },
    {
      id: 'unknown-key-v0-ignored',
      description: 'An unknown v0 element is ignored',
      headers: [[SIG, `t=${t},v0=${'0'.repeat(64)},v1=${hex}`]],
    },
    {
      id: 'unknown-key-v2-ignored',
      description: 'An unknown v2 element is ignored',
      headers: [[SIG, `t=${t},v1=${hex},v2=abc`]],
    },
    {
      id: 'unknown-key-with-extra-equals-ignored',
      description: 'An unknown key whose value holds "=" is ignored (split at the first "=")',
      headers: [[SIG, `t=${t},note=a=b=c,v1=${hex}`]],
    },
    {
      id: 'unknown-key-empty-value-ignored',
      description: 'An unknown key with an empty value is ignored',
      headers: [[SIG, `t=${t},x=,v1=${hex}`]],
    },
    {
      id: 'several-v1-last-valid',
      description: 'Several well-formed v1, only the last one right: accepted',
      headers: [[SIG, `t=${t},v1=${'a'.repeat(64)},v1=${'b'.repeat(64)},v1=${hex}`]],
    },
    {
      id: 'several-v1-first-valid',
      description: 'Several well-formed v1, only the first one right: accepted',
      headers: [[SIG, `t=${t},v1=${hex},v1=${'c'.repeat(64)}`]],
    },
    {
      id: 'sixteen-v1-at-cap',
      description: 'Exactly 16 v1 entries (the cap), the 16th right: accepted',
      headers: [
        [
          SIG,
          [
            `t=${t}`,
            ...Array.from({ length: 15 }, (_, i) => `v1=${i.toString(16).repeat(64)}`),
            `v1=${hex}`,
          ].join(','),
        ],
      ],
    },
    {
      id: 'header-4096-chars-at-cap',
      description: 'A signature header of exactly 4096 characters (the cap) after trimming: accepted',
      headers: [[SIG, pad(`t=${t},v1=${hex},pad=`, 4096)]],
    },
    {
      id: 'header-4096-chars-plus-spaces',
      description: 'Surrounding spaces do not count towards the 4096 cap',
      headers: [[SIG, `   ${pad(`t=${t},v1=${hex},pad=`, 4096)}   `]],
    },
    {
      id: 'blank-timestamp-header-ignored',
      description: 'A blank X-Ledgerly-Timestamp counts as absent when t= is present',
      headers: [
        [SIG, compound],
        [TS, '   '],
      ],
    },
    {
      id: 'empty-timestamp-header-ignored',
      description: 'An empty X-Ledgerly-Timestamp counts as absent when t= is present',
      headers: [
        [SIG, compound],
        [TS, ''],
      ],
    },
    {
      id: 'informational-headers-untrusted',
      description:
        'X-Ledgerly-Event/Delivery/Attempt are unsigned and never trusted: the event comes from the body',
      headers: [
        [SIG, compound],
        [TS, String(t)],
        ['X-Ledgerly-Event', 'something_else'],
        ['X-Ledgerly-Delivery', 'dlv_1'],
        ['X-Ledgerly-Attempt', '3'],
      ],
    },
    {
      id: 'content-type-text-plain',
      description: 'Content-Type is not part of the check: text/plain is accepted',
      headers: [
        [SIG, compound],
        ['Content-Type', 'text/plain'],
      ],
    },
    {
      id: 'content-type-charset-latin1',
      description: 'A charset parameter is ignored; the body is always read as UTF-8',
      headers: [
        [SIG, compound],
        ['Content-Type', 'application/json; charset=iso-8859-1'],
      ],
    },
    {
      id: 'other-headers-repeated',
      description: 'Repeating an unrelated header does not matter',
      headers: [
        [SIG, compound],
        ['Accept', 'a'],
        ['Accept', 'b'],
      ],
    },
  ].map((c) => ({ ...c, body, expected: ok(EVENT, ID) }))

  cases.push(...boundaryCases(kit), ...bodyCases(kit))
  cases.push({
    id: 'unicode-secret',
    description: 'The key is the UTF-8 bytes of a non-ASCII secret, verbatim',
    secrets: [unicodeSecret],
    headers: [[SIG, kit.compound(unicodeSecret, t, body)]],
    body,
    expected: ok(EVENT, ID),
  })
  return cases
}

function pad(prefix, length) {
  return prefix + 'x'.repeat(length - prefix.length)
}

function boundaryCases(kit) {
  const at = (id, description, ts, now, tolerance, extra = {}) => {
    const b = entryBody()
    return {
      id,
      description,
      headers: [[SIG, kit.compound(secret, ts, b)]],
      body: b,
      now,
      tolerance,
      expected: ok(EVENT, ID, 0, ts),
      ...extra,
    }
  }
  return [
    at('tolerance-old-boundary', 'now = T + 300 with tolerance 300: accepted (inclusive)', t, t + 300, 300),
    at('tolerance-new-boundary', 'now = T - 300 with tolerance 300: accepted (inclusive)', t, t - 300, 300),
    at('tolerance-old-inside', 'now = T + 299: accepted', t, t + 299, 300),
    at('tolerance-new-inside', 'now = T - 299: accepted', t, t - 299, 300),
    at('tolerance-zero-exact', 'tolerance 0 and now = T: accepted', t, t, 0),
    at('tolerance-60-old-boundary', 'tolerance 60, now = T + 60: accepted', t, t + 60, 60),
    at('tolerance-60-new-boundary', 'tolerance 60, now = T - 60: accepted', t, t - 60, 60),
    at('timestamp-one-digit', 'T = 1 (one digit) with now = 1: accepted', 1, 1, 300),
    at(
      'timestamp-ten-digits-max',
      'T = 9999999999 (ten digits, the longest) with now = T: accepted',
      9999999999,
      9999999999,
      300,
    ),
    at('timestamp-nine-digits', 'T = 999999999 (nine digits): accepted', 999999999, 999999999, 300),
  ]
}

function bodyCases(kit) {
  const signed = (id, description, b, expected, extra = {}) => ({
    id,
    description,
    headers: [[SIG, kit.compound(secret, t, b)]],
    body: b,
    expected,
    ...extra,
  })
  const enc = new TextEncoder()
  return [
    signed(
      'numeric-data-id',
      'data.id may be a number; it is reported as its decimal text',
      '{"event":"entry_persisted","data":{"id":42}}',
      ok(EVENT, '42'),
    ),
    signed(
      'numeric-data-id-largest-exact',
      'The largest numeric data.id every JSON parser keeps exact, 2^53 − 1, as its decimal text',
      '{"event":"entry_persisted","data":{"id":9007199254740991}}',
      ok(EVENT, '9007199254740991'),
    ),
    signed(
      'numeric-data-id-whole-float',
      'A whole number written with a fraction or exponent (1.0e2) is the number 100',
      '{"event":"entry_persisted","data":{"id":1.0e2}}',
      ok(EVENT, '100'),
    ),
    signed(
      'minimal-envelope',
      'The smallest accepted envelope: event string and data object with id',
      '{"event":"e","data":{"id":"x"}}',
      ok('e', 'x'),
    ),
    signed(
      'other-event-name',
      'Any non-empty event name is accepted and reported',
      entryBody('ent_2').replace('entry_persisted', 'entry_deleted'),
      ok('entry_deleted', 'ent_2'),
    ),
    signed(
      'pretty-printed-body',
      'A pretty-printed body, signed as sent: accepted',
      JSON.stringify(JSON.parse(entryBody()), null, 2),
      ok(EVENT, ID),
    ),
    signed(
      'crlf-body',
      'A body with CRLF line breaks, signed as sent: accepted',
      JSON.stringify(JSON.parse(entryBody()), null, 2).replace(/\n/g, '\r\n'),
      ok(EVENT, ID),
    ),
    signed(
      'non-ascii-body',
      'UTF-8 text in the body (é, 日本, emoji), signed as sent',
      entryBody('ent_é日本🔑', { note: 'café 日本 🔑' }),
      ok(EVENT, 'ent_é日本🔑'),
    ),
    signed(
      'escaped-unicode-body',
      'A body with \\u escapes, signed as sent: accepted, decoded by the JSON parser',
      '{"event":"entry_persisted","data":{"id":"caf\\u00e9"}}',
      ok(EVENT, 'café'),
    ),
    signed(
      'proto-as-value',
      '"__proto__" as a string value (not a key) is harmless: accepted',
      '{"event":"entry_persisted","data":{"id":"p1","note":"__proto__"}}',
      ok(EVENT, 'p1'),
    ),
    signed(
      'constructor-key',
      'A "constructor" key is ordinary data: accepted',
      '{"event":"entry_persisted","data":{"id":"c1","constructor":{"prototype":1}}}',
      ok(EVENT, 'c1'),
    ),
    signed(
      'trailing-newline-body',
      'A trailing newline after the JSON, signed as sent: accepted',
      `${entryBody()}\n`,
      ok(EVENT, ID),
    ),
    signed(
      'extra-top-level-keys',
      'Unknown top-level keys are kept and ignored',
      '{"event":"entry_persisted","data":{"id":"k1"},"version":2}',
      ok(EVENT, 'k1'),
    ),
    signed(
      'max-payload-at-limit',
      'maxPayloadBytes equal to the body length: accepted',
      '{"event":"entry_persisted","data":{"id":"m1"}}',
      ok(EVENT, 'm1'),
      { maxPayloadBytes: enc.encode('{"event":"entry_persisted","data":{"id":"m1"}}').length },
    ),
  ]
}

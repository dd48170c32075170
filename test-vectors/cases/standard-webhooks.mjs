// The Standard Webhooks scheme: its published known-answer case (written by hand, not by our signer),
// generated positives, and hand-written rejections.
import { entryBody, FIXED, no, ok } from '../scripts/lib/kit.mjs'

export const file = 'standard-webhooks.json'
export const title = 'Standard Webhooks scheme (webhook-* and svix-* headers)'

const KA = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  t: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
}
const SECRET = 'whsec_dGVzdC12ZWN0b3JzLWxlZGdlcmx5LXN0YW5kYXJkLXdoMDE='
const OLD = 'whsec_b2xkLXRlc3QtdmVjdG9ycy1sZWRnZXJseS1zdGFuZGFyZDAw'
const { t } = FIXED
const MSG = 'msg_2Xz9Kq7LbT4vN1'

export function build(kit) {
  const body = JSON.stringify({
    type: 'entry_persisted',
    timestamp: '2023-11-14T22:13:20Z',
    data: { id: 'ent_1' },
  })
  const sig = kit.standard(SECRET, MSG, t, body)
  const std = (id, description, headers, expected, extra = {}) => ({
    id,
    description,
    scheme: 'standard-webhooks',
    secrets: [SECRET],
    headers,
    body,
    expected,
    ...extra,
  })
  const known = (id, description, headers, expected, extra = {}) => ({
    id,
    description,
    scheme: 'standard-webhooks',
    secrets: [KA.secret],
    headers,
    body: KA.body,
    now: KA.t,
    expected,
    ...extra,
  })
  const kaHeaders = [
    ['webhook-id', KA.id],
    ['webhook-timestamp', String(KA.t)],
    ['webhook-signature', KA.signature],
  ]
  const signatureB64 = sig.slice(3)
  return [
    known(
      'known-answer',
      "Standard Webhooks' published known-answer case; no type in the body, so the event is ''",
      kaHeaders,
      ok('', KA.id, 0, KA.t),
    ),
    known(
      'known-answer-svix-headers',
      'The known-answer case under svix-* header names',
      [
        ['svix-id', KA.id],
        ['svix-timestamp', String(KA.t)],
        ['svix-signature', KA.signature],
      ],
      ok('', KA.id, 0, KA.t),
    ),
    known(
      'known-answer-tolerance-edge',
      'The known-answer case at now = T + 300',
      kaHeaders,
      ok('', KA.id, 0, KA.t),
      { now: KA.t + 300 },
    ),
    known(
      'known-answer-stale',
      'The known-answer case at now = T + 301',
      kaHeaders,
      no('TIMESTAMP_TOO_OLD'),
      { now: KA.t + 301 },
    ),
    known(
      'known-answer-future',
      'The known-answer case at now = T - 301',
      kaHeaders,
      no('TIMESTAMP_TOO_NEW'),
      { now: KA.t - 301 },
    ),
    known(
      'known-answer-other-id',
      'The known-answer signature with another webhook-id: the id is signed',
      [
        ['webhook-id', `${KA.id}x`],
        ['webhook-timestamp', String(KA.t)],
        ['webhook-signature', KA.signature],
      ],
      no('SIGNATURE_MISMATCH'),
    ),
    known(
      'known-answer-other-timestamp',
      'The known-answer signature with T + 1',
      [
        ['webhook-id', KA.id],
        ['webhook-timestamp', String(KA.t + 1)],
        ['webhook-signature', KA.signature],
      ],
      no('SIGNATURE_MISMATCH'),
    ),
    known(
      'known-answer-body-reserialised',
      'The known-answer signature over the compact body {"test":2432232314}',
      kaHeaders,
      no('SIGNATURE_MISMATCH'),
      { body: '{"test":2432232314}' },
    ),
    std(
      'generated-typed-body',
      'Generated: a body with "type"; the event is the type',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', sig],
      ],
      ok('entry_persisted', MSG),
    ),
    std(
      'generated-mixed-case-names',
      'Header names are case-insensitive',
      [
        ['Webhook-Id', MSG],
        ['Webhook-Timestamp', String(t)],
        ['Webhook-Signature', sig],
      ],
      ok('entry_persisted', MSG),
    ),
    std(
      'generated-event-key',
      'A Ledgerly-style body ("event", no "type") under Standard Webhooks',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', kit.standard(SECRET, MSG, t, entryBody())],
      ],
      ok('entry_persisted', MSG),
      { body: entryBody() },
    ),
    std(
      'generated-several-signatures',
      'Space-separated signatures, the right one last',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', `v1,${'A'.repeat(43)}= ${sig}`],
      ],
      ok('entry_persisted', MSG),
    ),
    std(
      'generated-unknown-version-ignored',
      'A v1a entry is ignored next to the right v1',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', `v1a,abcd ${sig}`],
      ],
      ok('entry_persisted', MSG),
    ),
    std(
      'generated-extra-spaces',
      'Several spaces between entries',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', `  v2,xyz   ${sig}  `],
      ],
      ok('entry_persisted', MSG),
    ),
    std(
      'rotation-old-secret',
      'Receiver holds [new, old]; sender signed with old',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', kit.standard(OLD, MSG, t, body)],
      ],
      ok('entry_persisted', MSG, 1),
      { secrets: [SECRET, OLD] },
    ),
    std(
      'rotation-both-signatures',
      'Sender signed with [old, new]; receiver holds [new]',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', kit.standard([OLD, SECRET], MSG, t, body)],
      ],
      ok('entry_persisted', MSG, 0),
    ),
    std(
      'webhook-names-preferred',
      'webhook-* headers are read before svix-* ones',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', sig],
        ['svix-signature', 'garbage'],
      ],
      ok('entry_persisted', MSG),
    ),
    std(
      'missing-signature',
      'No webhook-signature header',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
      ],
      no('MISSING_SIGNATURE'),
    ),
    std(
      'blank-signature',
      'A blank webhook-signature header',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', '  '],
      ],
      no('MISSING_SIGNATURE'),
    ),
    std(
      'blank-signature-falls-back-to-svix',
      'A blank webhook-signature counts as absent, so svix-signature is read instead',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', '  '],
        ['svix-signature', sig],
      ],
      ok('entry_persisted', MSG),
    ),
    std(
      'missing-id',
      'No webhook-id: it is part of the signed content',
      [
        ['webhook-timestamp', String(t)],
        ['webhook-signature', sig],
      ],
      no('MALFORMED_SIGNATURE'),
    ),
    std(
      'missing-timestamp',
      'No webhook-timestamp',
      [
        ['webhook-id', MSG],
        ['webhook-signature', sig],
      ],
      no('MISSING_TIMESTAMP'),
    ),
    std(
      'repeated-signature',
      'webhook-signature sent twice',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', sig],
        ['webhook-signature', sig],
      ],
      no('MALFORMED_SIGNATURE'),
    ),
    std(
      'repeated-id',
      'webhook-id sent twice',
      [
        ['webhook-id', MSG],
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', sig],
      ],
      no('MALFORMED_SIGNATURE'),
    ),
    std(
      'repeated-timestamp',
      'webhook-timestamp sent twice',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', sig],
      ],
      no('MALFORMED_TIMESTAMP'),
    ),
    std(
      'entry-without-comma',
      'A signature entry with no ","',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', `v1${signatureB64}`],
      ],
      no('MALFORMED_SIGNATURE'),
    ),
    std(
      'v1-not-base64',
      'A v1 entry that is not base64',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', 'v1,not*base64!'],
      ],
      no('MALFORMED_SIGNATURE'),
    ),
    std(
      'v1-unpadded-base64',
      'A v1 entry without its "=" padding',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', `v1,${signatureB64.replace(/=+$/, '')}`],
      ],
      no('MALFORMED_SIGNATURE'),
    ),
    std(
      'v1-16-bytes',
      'A v1 entry of 16 bytes (a truncated tag)',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', `v1,${Buffer.from(signatureB64, 'base64').subarray(0, 16).toString('base64')}`],
      ],
      no('MALFORMED_SIGNATURE'),
    ),
    std(
      'v1-hex',
      'A v1 entry in hex instead of base64',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', `v1,${Buffer.from(signatureB64, 'base64').toString('hex')}`],
      ],
      no('MALFORMED_SIGNATURE'),
    ),
    std(
      'only-unknown-versions',
      'Only v1a and v2 entries',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', `v1a,${signatureB64} v2,${signatureB64}`],
      ],
      no('MALFORMED_SIGNATURE'),
    ),
    std(
      'seventeen-signatures',
      '17 v1 entries (one over the cap)',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', Array.from({ length: 17 }, () => sig).join(' ')],
      ],
      no('MALFORMED_SIGNATURE'),
    ),
    std(
      'signature-header-too-long',
      'A webhook-signature header over 4096 characters',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', `${sig} x,${'y'.repeat(4100)}`],
      ],
      no('MALFORMED_SIGNATURE'),
    ),
    std(
      'signature-non-ascii',
      'A non-ASCII character in webhook-signature',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', `${sig} é,x`],
      ],
      no('MALFORMED_SIGNATURE'),
    ),
    std(
      'id-too-long',
      'A webhook-id of 257 characters',
      [
        ['webhook-id', 'm'.repeat(257)],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', sig],
      ],
      no('MALFORMED_SIGNATURE'),
    ),
    std(
      'id-non-ascii',
      'A non-ASCII webhook-id',
      [
        ['webhook-id', 'msg_é'],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', sig],
      ],
      no('MALFORMED_SIGNATURE'),
    ),
    std(
      'timestamp-milliseconds',
      'A 13-digit webhook-timestamp',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', `${t}000`],
        ['webhook-signature', sig],
      ],
      no('MALFORMED_TIMESTAMP'),
    ),
    std(
      'timestamp-letters',
      'webhook-timestamp "abc"',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', 'abc'],
        ['webhook-signature', sig],
      ],
      no('MALFORMED_TIMESTAMP'),
    ),
    std(
      'wrong-secret',
      'Signed with another secret',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', kit.standard(OLD, MSG, t, body)],
      ],
      no('SIGNATURE_MISMATCH'),
    ),
    std(
      'bit-flip',
      'The right signature with its first byte changed',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', `v1,${signatureB64[0] === 'A' ? 'B' : 'A'}${signatureB64.slice(1)}`],
      ],
      no('SIGNATURE_MISMATCH'),
    ),
    std(
      'ledgerly-headers-only',
      'A Ledgerly-signed request checked with the Standard Webhooks scheme',
      [['X-Ledgerly-Signature', kit.compound('whk_x', t, body)]],
      no('MISSING_SIGNATURE'),
    ),
    std(
      'json-array-body',
      'Right signature over a JSON array',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', kit.standard(SECRET, MSG, t, '[1]')],
      ],
      no('INVALID_PAYLOAD'),
      { body: '[1]' },
    ),
    std(
      'invalid-json-body',
      'Right signature over invalid JSON',
      [
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', kit.standard(SECRET, MSG, t, 'nope')],
      ],
      no('INVALID_PAYLOAD'),
      { body: 'nope' },
    ),
    {
      id: 'standard-headers-with-ledgerly-scheme',
      description: 'A Standard Webhooks request checked with the Ledgerly scheme',
      scheme: 'ledgerly',
      secrets: [FIXED.secret],
      headers: [
        ['webhook-id', MSG],
        ['webhook-timestamp', String(t)],
        ['webhook-signature', sig],
      ],
      body,
      expected: no('MISSING_SIGNATURE'),
    },
  ]
}

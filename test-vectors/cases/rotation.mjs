// Secret rotation (the hostile-input list, E30): several secrets on the receiver, several v1 on the sender.
// secretIndex is the position of the first configured secret that matches any v1.
import { entryBody, FIXED, no, ok } from '../scripts/lib/kit.mjs'

const { secret: newSecret, oldSecret, thirdSecret, t } = FIXED
const SIG = 'X-Ledgerly-Signature'
const TS = 'X-Ledgerly-Timestamp'
const body = entryBody()
const EVENT = 'entry_persisted'
const ID = 'ent_01HZX3Q4R5'

export const file = 'rotation.json'
export const title = 'Ledgerly scheme: secret rotation'

export function build(kit) {
  const r = (id, description, secrets, headers, expected) => ({
    id,
    description,
    secrets,
    headers,
    body,
    expected,
  })
  const oldHex = kit.hex(oldSecret, t, body)
  return [
    r(
      'old-signature-both-secrets',
      'Sender still on the old secret; receiver holds [new, old]: accepted with secretIndex 1',
      [newSecret, oldSecret],
      [[SIG, kit.compound(oldSecret, t, body)]],
      ok(EVENT, ID, 1),
    ),
    r(
      'old-signature-new-only',
      'Sender on the old secret; receiver holds only the new one: mismatch',
      [newSecret],
      [[SIG, kit.compound(oldSecret, t, body)]],
      no('SIGNATURE_MISMATCH'),
    ),
    r(
      'new-signature-old-only',
      'Sender on the new secret; receiver holds only the old one: mismatch',
      [oldSecret],
      [[SIG, kit.compound(newSecret, t, body)]],
      no('SIGNATURE_MISMATCH'),
    ),
    r(
      'both-signatures-both-secrets',
      'Sender signs with [new, old]; receiver holds [new, old]: secretIndex 0',
      [newSecret, oldSecret],
      [[SIG, kit.compound([newSecret, oldSecret], t, body)]],
      ok(EVENT, ID, 0),
    ),
    r(
      'both-signatures-reversed-secrets',
      'Sender signs with [new, old]; receiver holds [old, new]: the first configured secret that matches wins',
      [oldSecret, newSecret],
      [[SIG, kit.compound([newSecret, oldSecret], t, body)]],
      ok(EVENT, ID, 0),
    ),
    r(
      'both-signatures-new-only',
      'Sender signs with [new, old]; receiver already dropped the old one',
      [newSecret],
      [[SIG, kit.compound([newSecret, oldSecret], t, body)]],
      ok(EVENT, ID, 0),
    ),
    r(
      'both-signatures-old-only',
      'Sender signs with [new, old]; receiver not yet updated',
      [oldSecret],
      [[SIG, kit.compound([newSecret, oldSecret], t, body)]],
      ok(EVENT, ID, 0),
    ),
    r(
      'three-secrets-third-matches',
      'Receiver holds three secrets; only the third signed',
      [newSecret, oldSecret, thirdSecret],
      [[SIG, kit.compound(thirdSecret, t, body)]],
      ok(EVENT, ID, 2),
    ),
    r(
      'three-signatures-second-secret',
      'Sender signs with [third, old]; receiver holds [new, old]: secretIndex 1',
      [newSecret, oldSecret],
      [[SIG, kit.compound([thirdSecret, oldSecret], t, body)]],
      ok(EVENT, ID, 1),
    ),
    r(
      'legacy-old-secret',
      'Legacy form signed with the old secret; receiver holds [new, old]',
      [newSecret, oldSecret],
      [
        [SIG, oldHex],
        [TS, String(t)],
      ],
      ok(EVENT, ID, 1),
    ),
    r(
      'garbage-then-old',
      'A wrong v1 then the old-secret v1; receiver holds [new, old]',
      [newSecret, oldSecret],
      [[SIG, `t=${t},v1=${'d'.repeat(64)},v1=${oldHex}`]],
      ok(EVENT, ID, 1),
    ),
    r(
      'neither-secret',
      'Sender signs with a third secret; receiver holds [new, old]: mismatch',
      [newSecret, oldSecret],
      [[SIG, kit.compound(thirdSecret, t, body)]],
      no('SIGNATURE_MISMATCH'),
    ),
    r(
      'same-secret-twice',
      'The same secret configured twice: the first position is reported',
      [newSecret, newSecret],
      [[SIG, kit.compound(newSecret, t, body)]],
      ok(EVENT, ID, 0),
    ),
  ]
}

// Hand-written: verifier options that must be refused when the verifier is built (the hostile-input
// list, E28-29), never per request. Headers and body are empty: the verifier must not get that far.
import { FIXED } from '../scripts/lib/kit.mjs'

export const file = 'options.json'
export const title = 'Verifier options that must be refused at construction'

const refused = { valid: false, optionsRejected: true }

export function build() {
  const o = (id, description, fields) => ({
    id,
    description,
    headers: [],
    body: '',
    expected: refused,
    ...fields,
  })
  return [
    o('secret-empty', 'Secret ""', { secrets: [''] }),
    o('secret-spaces', 'Secret of spaces only', { secrets: ['   '] }),
    o('secret-leading-space', 'Secret with a leading space (used verbatim, so refused)', {
      secrets: [` ${FIXED.secret}`],
    }),
    o('secret-trailing-newline', 'Secret with a trailing newline, as read from a .env file', {
      secrets: [`${FIXED.secret}\n`],
    }),
    o('secret-trailing-tab', 'Secret with a trailing tab', { secrets: [`${FIXED.secret}\t`] }),
    o('secret-list-empty', 'An empty list of secrets', { secrets: [] }),
    o('secret-list-one-blank', 'Rotation list with one blank secret', { secrets: [FIXED.secret, ''] }),
    o('tolerance-negative', 'Tolerance -1', { tolerance: -1 }),
    o('tolerance-fraction', 'Tolerance 1.5', { tolerance: 1.5 }),
    o('max-payload-negative', 'maxPayloadBytes -1', { maxPayloadBytes: -1 }),
    o('standard-secret-not-base64', 'Standard Webhooks secret whose key part is not base64', {
      scheme: 'standard-webhooks',
      secrets: ['whsec_!!not base64!!'],
    }),
    o('standard-secret-empty-key', 'Standard Webhooks secret "whsec_" with no key', {
      scheme: 'standard-webhooks',
      secrets: ['whsec_'],
    }),
  ]
}

import { describe, expect, test } from 'vitest'
import { nodeBackend } from '../src/backend/node.js'
import type { CryptoBackend } from '../src/backend/types.js'
import { webBackend } from '../src/backend/web.js'
import { isWebhookVerificationError } from '../src/errors.js'
import { createVerifierWith } from '../src/verifier.js'
import { bodyCases } from './cases/body.js'
import { rotationCases } from './cases/rotation.js'
import { signatureHeaderCases } from './cases/signature-header.js'
import { signatureValueCases } from './cases/signature-value.js'
import { standardWebhooksCases } from './cases/standard-webhooks.js'
import { timestampCases } from './cases/timestamp.js'
import { BODY, type Case, DIGEST, NOW_MS, SECRET } from './fixtures.js'

// One contract suite, run against every backend and both forms: identical outcomes everywhere.
// `signatureOnly` runs verifySignature: the same outcomes, except that the body is never parsed.
const BACKENDS = [
  { name: 'node:crypto', backend: nodeBackend as CryptoBackend<never>, sync: 'sync', async: 'async' },
  {
    name: 'noble / Web Crypto',
    backend: webBackend as CryptoBackend<never>,
    sync: 'noble',
    async: 'Web Crypto',
  },
]
const VARIANTS = BACKENDS.flatMap(({ name, backend }) =>
  [true, false].flatMap((sync) =>
    [false, true].map((signatureOnly) => ({
      name: `${name} ${sync ? 'sync' : 'async'}${signatureOnly ? ' verifySignature' : ''}`,
      backend,
      sync,
      signatureOnly,
    })),
  ),
)

const TABLES = {
  'A. signature header': signatureHeaderCases,
  'B. timestamp': timestampCases,
  'C. signature value': signatureValueCases,
  'D. body': bodyCases,
  'E. rotation and secrets': rotationCases,
  'Standard Webhooks': standardWebhooksCases,
}

async function outcome(variant: (typeof VARIANTS)[number], item: Case) {
  const verifier = createVerifierWith(variant.backend, {
    secret: SECRET,
    now: () => NOW_MS,
    ...item.options,
  } as never)
  const request = { payload: ('payload' in item ? item.payload : BODY) as string, headers: item.headers }
  try {
    if (variant.signatureOnly) {
      const verified = variant.sync
        ? verifier.verifySignatureSync(request)
        : await verifier.verifySignature(request)
      return { code: 'valid', webhook: verified }
    }
    const webhook = variant.sync ? verifier.verifySync(request) : await verifier.verify(request)
    return { code: 'valid', webhook }
  } catch (error) {
    if (!isWebhookVerificationError(error)) throw error
    return { code: error.code, error }
  }
}

for (const variant of VARIANTS) {
  describe(`verify contract (${variant.name})`, () => {
    for (const [table, cases] of Object.entries(TABLES)) {
      describe(table, () => {
        test.each(cases.map((item) => [item.name, item] as const))('%s', async (_name, item) => {
          const result = await outcome(variant, item)
          const expected = variant.signatureOnly && item.expect === 'INVALID_PAYLOAD' ? 'valid' : item.expect
          expect(result.code).toBe(expected)
          if (result.error) {
            expect(result.error.message).not.toContain(DIGEST)
            expect(result.error.message).not.toContain(SECRET)
          }
          if (item.secretIndex !== undefined) expect(result.webhook?.secretIndex).toBe(item.secretIndex)
        })
      })
    }
  })
}

import { createVerifier, isWebhookVerificationError } from '@ledgerly/webhooks'
import {
  checked,
  flags,
  integerFlag,
  parseHeaderLines,
  readFileFlag,
  secretFlag,
  UsageError,
} from '../args.js'

/**
 * `ledgerly-webhooks verify --secret S --headers h.txt --file body`: checks a captured request and prints
 * `ok …` or the error code; exits 1 when verification fails.
 */
export async function verifyCommand(argv: string[]): Promise<number> {
  const values = flags(argv, {
    secret: { type: 'string', multiple: true },
    headers: { type: 'string' },
    file: { type: 'string' },
    tolerance: { type: 'string' },
  })
  if (!values.headers || !values.file) throw new UsageError('--headers and --file are required')
  const secret = secretFlag(values.secret)
  const tolerance = integerFlag(values.tolerance, 300, 'tolerance', 0)
  const verifier = checked(() => createVerifier({ secret, tolerance }))
  const headers = parseHeaderLines((await readFileFlag(values.headers, 'headers')).toString('utf8'))
  const payload = new Uint8Array(await readFileFlag(values.file, 'file'))
  try {
    const webhook = await verifier.verify({ payload, headers })
    process.stdout.write(
      `ok event=${webhook.event} id=${webhook.id} timestamp=${webhook.timestamp} secretIndex=${webhook.secretIndex}\n`,
    )
    return 0
  } catch (error) {
    if (!isWebhookVerificationError(error)) throw error
    process.stdout.write(`${error.code} (HTTP ${error.status}): ${error.message}\n`)
    return 1
  }
}

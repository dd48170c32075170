import { createVerifier, DEFAULT_TOLERANCE_SECONDS, isWebhookVerificationError } from '@ledgerly/webhooks'
import { flags, integerFlag, readFileFlag, secretFlag } from '../args.js'
import { type Command, secretSpec } from '../command.js'
import { checked } from '../library-messages.js'

const FLAGS = {
  headers: {
    type: 'string',
    value: 'PATH',
    help: 'the captured headers, one "Name: value" a line',
    required: true,
  },
  file: { type: 'string', value: 'PATH', help: 'the captured body, byte for byte', required: true },
  secret: secretSpec(true),
  tolerance: {
    type: 'string',
    value: 'SECONDS',
    help: 'largest accepted age of the signature',
    default: String(DEFAULT_TOLERANCE_SECONDS),
  },
} as const

/** Reads `Name: value` lines (a raw HTTP dump, `curl -v` output or our `sign` output); others are skipped. */
export function parseHeaderLines(text: string): [string, string][] {
  const pairs: [string, string][] = []
  for (const line of text.split(/\r?\n/)) {
    const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/.exec(line.replace(/^[<>] /, ''))
    if (match) pairs.push([match[1]!.toLowerCase(), match[2]!])
  }
  return pairs
}

/**
 * `ledgerly-webhooks verify --secret S --headers h.txt --file body`: checks a captured request and prints
 * `ok …` or the error code; exits 1 when verification fails.
 */
async function verifyCommand(argv: string[]): Promise<number> {
  const values = flags(argv, FLAGS)
  const secret = secretFlag(values.secret)
  const tolerance = integerFlag(values.tolerance, 'tolerance', 0)
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

export const verify: Command = {
  name: 'verify',
  summary: 'check a captured request; prints ok or the error code',
  usage: 'verify --headers PATH --file PATH [flags]',
  description: [
    'Verifies a captured request as a receiver would. --headers holds "Name: value" lines: a raw HTTP dump,',
    '`curl -v` output (with its "> " prefixes) or the output of `sign`. Prints',
    '"ok event=… id=… timestamp=… secretIndex=…", or the error code, e.g. "SIGNATURE_MISMATCH (HTTP 401): …".',
    `Captures are often older than ${DEFAULT_TOLERANCE_SECONDS} s: widen the window with --tolerance.`,
  ].join('\n'),
  flags: FLAGS,
  examples: [
    'ledgerly-webhooks verify --headers request.txt --file body.json',
    'ledgerly-webhooks verify --headers request.txt --file body.json --tolerance 86400',
  ],
  exits: '0 verified, 1 verification failed, 2 usage error.',
  run: verifyCommand,
}

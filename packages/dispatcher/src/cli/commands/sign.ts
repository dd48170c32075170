import { createSigner } from '@ledgerly/webhooks'
import { flags, legacySecret, readFileFlag, secretFlag, timestampFlag } from '../args.js'
import { type Command, secretSpec } from '../command.js'
import { checked } from '../library-messages.js'

const FLAGS = {
  file: { type: 'string', value: 'PATH', help: 'the exact body to sign', required: true },
  secret: secretSpec(false),
  url: {
    type: 'string',
    value: 'URL',
    help: 'where the printed curl command posts',
    default: 'http://localhost:3000/webhooks',
  },
  timestamp: { type: 'string', value: 'UNIX_SECONDS', help: 'sign as of this time instead of now' },
  legacy: { type: 'boolean', help: 'sign with the legacy bare-hex signature' },
} as const

const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`

/** `ledgerly-webhooks sign --secret S --file body.json`: prints signed headers and a ready curl command. */
async function signCommand(argv: string[]): Promise<number> {
  const values = flags(argv, FLAGS)
  const secret = secretFlag(values.secret)
  legacySecret(secret, values.legacy)
  const body = await readFileFlag(values.file, 'file')
  const timestamp = values.timestamp === undefined ? undefined : timestampFlag(values.timestamp)
  const signer = checked(() => createSigner({ secret, format: values.legacy ? 'legacy' : 'compound' }))
  // Validates the timestamp (a 13-digit one is milliseconds) before anything is printed.
  const signed = checked(() => signer.signSync(body, timestamp === undefined ? {} : { timestamp }))
  const headers = { 'content-type': 'application/json', ...signed }
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`)
  const curl = [
    `curl -sS -X POST ${shellQuote(values.url)}`,
    ...lines.map((line) => `-H ${shellQuote(line)}`),
    `--data-binary @${shellQuote(values.file)}`,
  ].join(' \\\n  ')
  process.stdout.write(`${lines.join('\n')}\n\n${curl}\n`)
  return 0
}

export const sign: Command = {
  name: 'sign',
  summary: 'print signed headers and a ready curl command for a body file',
  usage: 'sign --file PATH [flags]',
  description:
    'Signs the exact bytes of --file and prints the headers (`name: value` lines), then a curl command\nthat posts them to --url.',
  flags: FLAGS,
  examples: [
    'ledgerly-webhooks sign --file body.json',
    'ledgerly-webhooks sign --file body.json --url https://staging.example.com/webhooks --legacy',
  ],
  exits: '0 ok, 2 usage error.',
  run: signCommand,
}

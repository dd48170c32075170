import { createSigner } from '@ledgerly/webhooks'
import { checked, flags, integerFlag, readFileFlag, secretFlag, UsageError } from '../args.js'

const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`

/** `ledgerly-webhooks sign --secret S --file body.json`: prints signed headers and a ready curl command. */
export async function signCommand(argv: string[]): Promise<number> {
  const values = flags(argv, {
    secret: { type: 'string' },
    file: { type: 'string' },
    url: { type: 'string', default: 'http://localhost:3000/webhooks' },
    timestamp: { type: 'string' },
    legacy: { type: 'boolean', default: false },
  })
  if (!values.file) throw new UsageError('--file is required (the exact body to sign)')
  const secret = secretFlag(values.secret)
  const body = await readFileFlag(values.file, 'file')
  const timestamp =
    values.timestamp === undefined ? undefined : integerFlag(values.timestamp, 0, 'timestamp', 1)
  const signer = checked(() => createSigner({ secret, format: values.legacy ? 'legacy' : 'compound' }))
  // Validates the timestamp (a 13-digit one is milliseconds) before anything is printed.
  const signed = checked(() => signer.signSync(body, timestamp ? { timestamp } : {}))
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

import { generateSecret } from '@ledgerly/webhooks'
import { flags } from '../args.js'
import type { Command } from '../command.js'

const FLAGS = {} as const

/** `ledgerly-webhooks secret`: prints a fresh random secret. */
async function secretCommand(argv: string[]): Promise<number> {
  flags(argv, FLAGS)
  process.stdout.write(`${generateSecret()}\n`)
  return 0
}

export const secret: Command = {
  name: 'secret',
  summary: 'print a new random secret',
  usage: 'secret',
  description: 'Prints a new random secret (32 random bytes as base64url text) for LEDGERLY_WEBHOOK_SECRET.',
  flags: FLAGS,
  examples: ['export LEDGERLY_WEBHOOK_SECRET="$(ledgerly-webhooks secret)"'],
  exits: '0 ok, 2 usage error.',
  run: secretCommand,
}

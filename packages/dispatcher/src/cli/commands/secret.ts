import { generateSecret } from '@ledgerly/webhooks'
import { flags } from '../args.js'

/** `ledgerly-webhooks secret`: prints a fresh random secret. */
export async function secretCommand(argv: string[]): Promise<number> {
  flags(argv, {})
  process.stdout.write(`${generateSecret()}\n`)
  return 0
}

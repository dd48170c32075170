#!/usr/bin/env node
import { UsageError } from './args.js'
import { listenCommand } from './commands/listen.js'
import { secretCommand } from './commands/secret.js'
import { sendCommand } from './commands/send.js'
import { signCommand } from './commands/sign.js'
import { verifyCommand } from './commands/verify.js'
import { workerCommand } from './commands/worker.js'

const HELP = `ledgerly-webhooks <command> [flags]

  secret                                     print a new random secret
  sign   --secret S --file body.json [--url U] [--timestamp T] [--legacy]
                                             print signed headers and a ready curl command
  verify --secret S --headers h.txt --file body [--tolerance SECONDS]
                                             check a captured request; prints ok or the error code
  send   --url URL --secret S [--event E] [--count N] [--tries N] [--backoff 10,30,60]
         [--timeout SECONDS] [--file body.json] [--legacy]
                                             deliver events with retries; exit 1 on permanent failure
  listen --port P --secret S [--host H] [--tolerance SECONDS]
                                             a local verifying receiver that prints each event
  worker --redis URL --url ENDPOINT --secret S [--queue ledgerly-webhooks] [--concurrency N]
         [--tries N] [--backoff 10,30,60] [--backoff-scale X] [--timeout SECONDS]
         [--stalled-interval MS] [--lock-duration MS] [--legacy] [--quiet]
                                             a BullMQ worker delivering queued attempts (needs bullmq)

--secret may be omitted when LEDGERLY_WEBHOOK_SECRET is set. Exit codes: 0 ok, 1 failure, 2 usage.
`

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  secret: secretCommand,
  sign: signCommand,
  verify: verifyCommand,
  send: sendCommand,
  listen: listenCommand,
  worker: workerCommand,
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(HELP)
    return name === undefined ? 2 : 0
  }
  const command = COMMANDS[name]
  if (!command) {
    process.stderr.write(`unknown command "${name}"\n\n${HELP}`)
    return 2
  }
  try {
    return await command(rest)
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n\n${HELP}`)
      return 2
    }
    const code = (error as { code?: unknown }).code
    process.stderr.write(`error${typeof code === 'string' ? ` ${code}` : ''}: ${(error as Error).message}\n`)
    return 1
  }
}

process.exitCode = await main(process.argv.slice(2))

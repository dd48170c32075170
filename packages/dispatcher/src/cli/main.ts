#!/usr/bin/env node
import { readFileSync } from 'node:fs'
import type { Command } from './command.js'
import { listen } from './commands/listen.js'
import { secret } from './commands/secret.js'
import { send } from './commands/send.js'
import { sign } from './commands/sign.js'
import { verify } from './commands/verify.js'
import { worker } from './commands/worker.js'
import { commandHelp, overview } from './help.js'
import { EXIT, reportError, reportUsage } from './report.js'
import { closest } from './suggest.js'

const COMMANDS: readonly Command[] = [secret, sign, verify, send, listen, worker]

const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h'

/** `--help` or `-h` among a command's flags (not after a `--`, where nothing is a flag). */
function asksHelp(argv: string[]): boolean {
  const end = argv.indexOf('--')
  return (end === -1 ? argv : argv.slice(0, end)).some(isHelp)
}

function findCommand(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name)
}

/** `unknown command "sned" (did you mean "send"?)`, pointing at the command list. */
function unknownCommand(name: string): number {
  if (name.startsWith('-')) {
    // A flag before the command. Never echo its value: `--secret=…` would print the secret.
    const flag = name.split('=', 1)[0]
    return reportUsage(
      `${flag} is a flag: give the command first, then its flags (ledgerly-webhooks <command> ${flag} …)`,
    )
  }
  const guess = closest(
    name,
    COMMANDS.map((command) => command.name),
  )
  return reportUsage(`unknown command "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}`)
}

function version(): string {
  // The bundle runs from dist/, next to package.json's folder.
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  return `${pkg.name} ${pkg.version}\n`
}

/** `help`, `help <command>`. */
function help(topic: string | undefined): number {
  if (topic === undefined || isHelp(topic)) {
    process.stdout.write(overview(COMMANDS))
    return EXIT.ok
  }
  const command = findCommand(topic)
  if (!command) return unknownCommand(topic)
  process.stdout.write(commandHelp(command))
  return EXIT.ok
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined) {
    // Nothing asked: the command list, on stderr since this is a usage error.
    process.stderr.write(overview(COMMANDS))
    return EXIT.usage
  }
  if (name === 'help') return help(rest[0])
  if (isHelp(name)) return help(undefined)
  if (name === '--version' || name === '-v' || name === '-V') {
    process.stdout.write(version())
    return EXIT.ok
  }
  const command = findCommand(name)
  if (!command) return unknownCommand(name)
  if (asksHelp(rest)) return help(name)
  try {
    return await command.run(rest)
  } catch (error) {
    return reportError(error, name)
  }
}

process.exitCode = await main(process.argv.slice(2))

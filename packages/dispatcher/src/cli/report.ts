import { isOperational, UsageError } from './errors.js'
import { BIN } from './help.js'

/** Exit codes, as documented in the README and in `--help`. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const

/** One line naming the mistake and a pointer to the help; never the whole usage. */
export function reportUsage(message: string, command?: string): number {
  const help = command === undefined ? `${BIN} --help` : `${BIN} ${command} --help`
  process.stderr.write(`error: ${message}\nrun "${help}" for usage\n`)
  return EXIT.usage
}

/**
 * Prints what a command threw and returns the exit code: a usage error (2) or an operational failure (1)
 * as one message; anything else is a bug here, printed with its stack so it can be reported.
 */
export function reportError(error: unknown, command: string): number {
  if (error instanceof UsageError) return reportUsage(error.message, command)
  if (isOperational(error)) {
    const code = (error as { code?: unknown }).code
    process.stderr.write(`error${typeof code === 'string' ? ` ${code}` : ''}: ${(error as Error).message}\n`)
    return EXIT.failure
  }
  const trace = error instanceof Error ? (error.stack ?? String(error)) : String(error)
  process.stderr.write(
    `internal error in "${BIN} ${command}": this is a bug in ${BIN}, not in your command. Please report it with this trace:\n${trace}\n`,
  )
  return EXIT.failure
}

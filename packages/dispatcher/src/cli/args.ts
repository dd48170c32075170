import { readFile } from 'node:fs/promises'
import { type ParseArgsConfig, parseArgs } from 'node:util'

/** A usage error: the CLI prints it with the command's help and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

type Options = NonNullable<ParseArgsConfig['options']>
type FlagValue<T> = T extends { type: 'boolean' } ? boolean : string

/** The parsed flags of an options table: arrays for `multiple`, never undefined with a `default`. */
export type Flags<O extends Options> = {
  [K in keyof O]: O[K] extends { multiple: true }
    ? FlagValue<O[K]>[] | undefined
    : O[K] extends { default: unknown }
      ? FlagValue<O[K]>
      : FlagValue<O[K]> | undefined
}

/** Parses a command's flags strictly; unknown flags and stray arguments are usage errors. */
export function flags<const O extends Options>(argv: string[], options: O): Flags<O> {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false })
      .values as unknown as Flags<O>
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

/** `--secret`, or `LEDGERLY_WEBHOOK_SECRET` so the secret need not appear in the process list. */
export function secretFlag(value: string | string[] | undefined): string | string[] {
  const secret = value ?? process.env.LEDGERLY_WEBHOOK_SECRET
  if (secret === undefined || secret.length === 0) {
    throw new UsageError('--secret is required (or set LEDGERLY_WEBHOOK_SECRET)')
  }
  return secret
}

/** A number flag with bounds. */
export function numberFlag(value: string | undefined, fallback: number, name: string, min: number): number {
  if (value === undefined) return fallback
  const number = Number(value)
  if (value.trim() === '' || !Number.isFinite(number) || number < min) {
    throw new UsageError(`--${name} must be a number >= ${min}, got "${value}"`)
  }
  return number
}

/** An integer flag with bounds. */
export function integerFlag(value: string | undefined, fallback: number, name: string, min: number): number {
  const number = numberFlag(value, fallback, name, min)
  if (!Number.isInteger(number)) throw new UsageError(`--${name} must be a whole number, got "${value}"`)
  return number
}

/** `--backoff 10,30,60`: seconds, decimals allowed. */
export function backoffFlag(value: string | undefined, fallback: readonly number[]): number[] {
  if (value === undefined) return [...fallback]
  const parts = value.split(',').map((part) => part.trim())
  const seconds = parts.map(Number)
  if (parts.some((part) => part === '') || seconds.some((s) => !Number.isFinite(s) || s < 0)) {
    throw new UsageError(
      `--backoff must be comma-separated seconds like 10,30,60 (decimals allowed), got "${value}"`,
    )
  }
  return seconds
}

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
 * Runs a check of flag values (building a signer or verifier, validating an event name): a `TypeError`
 * or `RangeError` it throws is the user's input, so it becomes a usage error (exit 2).
 */
export function checked<T>(check: () => T): T {
  try {
    return check()
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) throw new UsageError(error.message)
    throw error
  }
}

/** Reads the file a flag names; a missing or unreadable file is a usage error that says which. */
export async function readFileFlag(path: string, flag: string): Promise<Buffer> {
  try {
    return await readFile(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message
    throw new UsageError(`cannot read --${flag} ${path} (${code})`)
  }
}

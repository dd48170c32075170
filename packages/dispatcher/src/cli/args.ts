import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { type FlagSpec, type Flags, type FlagTable, SECRET_ENV } from './command.js'
import { UsageError } from './errors.js'
import { closest } from './suggest.js'

type Token = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number]
type OptionToken = Extract<Token, { kind: 'option' }>

const placeholder = (spec: FlagSpec) => spec.value ?? 'VALUE'

/**
 * `--tires` → `unknown flag --tires (did you mean --tries?)`; `-port` → `unknown flag -port (did you mean
 * --port?)`. A single-dash word is echoed only when it resembles a flag: otherwise it may be a secret.
 */
function unknownFlag(token: OptionToken, argv: string[], table: FlagTable): UsageError {
  const names = Object.keys(table)
  // A single-dash word (`-port`) arrives as a group of short flags: take it as typed, up to any `=`.
  const typed = (argv[token.index] ?? token.rawName).split('=')[0]!
  if (!typed.startsWith('--') && typed.length > 2) {
    const guess = closest(typed.slice(1), names)
    return new UsageError(
      guess
        ? `unknown flag ${typed} (did you mean --${guess}?)`
        : `unknown flag ${token.rawName}… (flags take two dashes: --name)`,
    )
  }
  const guess = closest(token.rawName.replace(/^-+/, ''), names)
  return new UsageError(`unknown flag ${token.rawName}${guess ? ` (did you mean --${guess}?)` : ''}`)
}

/** A flag whose value is missing or malformed; the value itself is never echoed (it may be a secret). */
function badValue(token: OptionToken, spec: FlagSpec, table: FlagTable): UsageError | undefined {
  const flag = token.rawName
  if (spec.type === 'boolean') {
    return token.value === undefined ? undefined : new UsageError(`${flag} is a switch and takes no value`)
  }
  if (typeof token.value !== 'string' || token.value === '') {
    return new UsageError(`${flag} needs a value: ${flag} ${placeholder(spec)}`)
  }
  // `--url --secret x`: the value taken is another flag. A real value starting with "-" is written `--url=-…`.
  if (!token.inlineValue && token.value.length > 1 && token.value.startsWith('-')) {
    const name = token.value.replace(/^--?/, '')
    const known = Object.hasOwn(table, name) || name === 'help'
    return new UsageError(
      known
        ? `${flag} needs a value (${flag} ${placeholder(spec)}), but the next argument is the flag ${token.value}`
        : `${flag} needs a value (${flag} ${placeholder(spec)}); a value starting with "-" is written ${flag}=-…`,
    )
  }
  return undefined
}

/** An argument that is not a flag; says which flag it follows instead of echoing it (it may be a secret). */
function strayArgument(tokens: Token[], at: number, table: FlagTable): UsageError {
  const previous = tokens[at - 1]
  if (previous?.kind === 'option' && table[previous.name]?.type === 'boolean') {
    return new UsageError(`${previous.rawName} is a switch and takes no value, but an argument follows it`)
  }
  if (previous?.kind === 'option') {
    return new UsageError(
      `unexpected argument after ${previous.rawName}'s value (a flag takes one value; quote a value that has spaces)`,
    )
  }
  return new UsageError(
    `unexpected argument (position ${tokens[at]!.index + 1}): this command takes only flags, e.g. --name VALUE`,
  )
}

function checkTokens(argv: string[], tokens: Token[], table: FlagTable): void {
  tokens.forEach(function checkToken(token, at) {
    if (token.kind === 'positional') throw strayArgument(tokens, at, table)
    if (token.kind !== 'option') return
    const spec = Object.hasOwn(table, token.name) ? table[token.name] : undefined
    if (!spec) throw unknownFlag(token, argv, table)
    const error = badValue(token, spec, table)
    if (error) throw error
  })
}

function checkRequired(values: Record<string, unknown>, table: FlagTable): void {
  const missing = Object.keys(table).filter((name) => table[name]!.required && values[name] === undefined)
  if (missing.length === 1) throw new UsageError(`--${missing[0]} is required (${table[missing[0]!]!.help})`)
  if (missing.length > 1) {
    const names = missing.map((name) => `--${name}`)
    throw new UsageError(`${names.slice(0, -1).join(', ')} and ${names.at(-1)} are required`)
  }
}

/**
 * Parses a command's flags against its table. Unknown flags, missing values, stray arguments and missing
 * required flags are usage errors, each named in one line.
 */
export function flags<const T extends FlagTable>(argv: string[], table: T): Flags<T> {
  const options = Object.fromEntries(
    Object.entries(table).map(([name, spec]) => [
      name,
      {
        type: spec.type,
        multiple: spec.multiple ?? false,
        ...(spec.type === 'boolean' ? { default: false } : {}),
        ...(spec.default === undefined ? {} : { default: spec.default }),
      },
    ]),
  )
  // Not strict: every token is checked here instead, so each mistake gets its own clear message.
  const { values, tokens } = parseArgs({
    args: argv,
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  })
  checkTokens(argv, tokens, table)
  checkRequired(values, table)
  return values as Flags<T>
}

function checkSecret(secret: string, label: string): void {
  if (secret.trim() === '') throw new UsageError(`${label} is empty`)
  if (secret.trim() !== secret) {
    throw new UsageError(
      `${label} has surrounding whitespace (a trailing newline from a .env file?); remove it`,
    )
  }
}

/**
 * `--secret`, or `LEDGERLY_WEBHOOK_SECRET` so the secret need not appear in the process list. Checked
 * here so a message names where the secret came from; a secret is never echoed.
 */
export function secretFlag(value: string | string[] | undefined): string | string[] {
  if (value === undefined) {
    const secret = process.env[SECRET_ENV]
    if (secret === undefined || secret === '') {
      throw new UsageError(`--secret is required (or set ${SECRET_ENV})`)
    }
    checkSecret(secret, SECRET_ENV)
    return secret
  }
  const list = typeof value === 'string' ? [value] : value
  list.forEach(function checkOne(secret, index) {
    checkSecret(secret, list.length > 1 ? `--secret #${index + 1}` : '--secret')
  })
  return value
}

/** `--legacy` signs with exactly one secret: a rotation list cannot be expressed in its header. */
export function legacySecret(secret: string | string[], legacy: boolean): void {
  if (legacy && Array.isArray(secret) && secret.length > 1) {
    throw new UsageError(`--legacy signs with exactly one secret, got ${secret.length} --secret flags`)
  }
}

/** Plain decimal only: Number() would also take 0x1F, 1e3 and 0b1. */
const PLAIN_DECIMAL = /^\s*([0-9]+(\.[0-9]+)?|\.[0-9]+)\s*$/

/** A number flag with bounds. */
export function numberFlag(value: string, name: string, min: number, max = Number.POSITIVE_INFINITY): number {
  const number = PLAIN_DECIMAL.test(value) ? Number(value) : Number.NaN
  if (!Number.isFinite(number) || number < min || number > max) {
    const range = max === Number.POSITIVE_INFINITY ? `>= ${min}` : `from ${min} to ${max}`
    throw new UsageError(`--${name} must be a number ${range}, got "${value}"`)
  }
  return number
}

/** A whole-number flag with bounds. */
export function integerFlag(
  value: string,
  name: string,
  min: number,
  max = Number.POSITIVE_INFINITY,
): number {
  const number = /^\s*[0-9]+\s*$/.test(value) ? Number(value) : Number.NaN
  if (!Number.isInteger(number) || number < min || number > max) {
    const range = max === Number.POSITIVE_INFINITY ? `>= ${min}` : `from ${min} to ${max}`
    throw new UsageError(`--${name} must be a whole number ${range}, got "${value}"`)
  }
  return number
}

/** `--backoff 10,30,60`: seconds, plain decimals as the other number flags (no `0x10`, no `1e3`). */
export function backoffFlag(value: string): number[] {
  const parts = value.split(',')
  const seconds = parts.map((part) => (PLAIN_DECIMAL.test(part) ? Number(part) : Number.NaN))
  if (seconds.some((s) => !Number.isFinite(s))) {
    throw new UsageError(
      `--backoff must be comma-separated seconds like 10,30,60 (decimals allowed), got "${value}"`,
    )
  }
  return seconds
}

/**
 * `--timestamp T`: unix seconds as GUIDE §2 writes T, ASCII digits with no sign, space or leading zero
 * (`0170` would sign t=170). Its length (a 13-digit one is milliseconds) is the signer's check.
 */
export function timestampFlag(value: string): number {
  if (!/^[1-9][0-9]*$/.test(value)) {
    throw new UsageError(
      `--timestamp must be unix seconds: digits only, no sign, space or leading zero, got "${value}"`,
    )
  }
  return Number(value)
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

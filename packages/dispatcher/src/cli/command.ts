/** One flag of a command: how it parses, and what `--help` says about it. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean'
  /** May be given several times (`--secret` during rotation). */
  readonly multiple?: boolean
  /** The value's placeholder in help: `N` in `--count N`. */
  readonly value?: string
  /** What the flag does, in a few words. */
  readonly help: string
  /** The value used when the flag is left out; help shows it. */
  readonly default?: string
  /** Shown in help when the fallback is not a plain value (an environment variable). */
  readonly fallback?: string
  /** Leaving it out is a usage error. */
  readonly required?: boolean
}

export type FlagTable = Readonly<Record<string, FlagSpec>>

type FlagValue<F> = F extends { type: 'boolean' } ? boolean : string

/** The parsed flags of a table: arrays for `multiple`, never undefined with a default or when required. */
export type Flags<T extends FlagTable> = {
  [K in keyof T]: T[K] extends { multiple: true }
    ? FlagValue<T[K]>[] | undefined
    : T[K] extends { type: 'boolean' } | { default: string } | { required: true }
      ? FlagValue<T[K]>
      : FlagValue<T[K]> | undefined
}

/** A CLI command: its help (rendered by help.ts) and what it does. */
export interface Command {
  readonly name: string
  /** One line for the command list. */
  readonly summary: string
  /** The synopsis after `ledgerly-webhooks`: `send --url URL [flags]`. */
  readonly usage: string
  /** A few sentences for `<command> --help`. */
  readonly description: string
  readonly flags: FlagTable
  /** Shell lines; each shows a typical use. */
  readonly examples: readonly string[]
  /** What each exit code means for this command. */
  readonly exits: string
  run(argv: string[]): Promise<number>
}

export const SECRET_ENV = 'LEDGERLY_WEBHOOK_SECRET'

/** `--secret`, shared by the commands that sign or verify. */
export function secretSpec<const M extends boolean>(multiple: M) {
  return {
    type: 'string',
    multiple,
    value: 'SECRET',
    help: multiple ? 'shared secret; repeat to rotate, newest first' : 'shared secret',
    fallback: `$${SECRET_ENV}`,
  } as const
}

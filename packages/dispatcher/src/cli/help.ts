import type { Command, FlagSpec } from './command.js'

export const BIN = 'ledgerly-webhooks'

const HELP_FLAG: FlagSpec = { type: 'boolean', help: 'print this help' }

/** `(default: 3000)`, `(required)`, `(default: $LEDGERLY_WEBHOOK_SECRET)`, or nothing. */
function note(spec: FlagSpec): string {
  if (spec.required) return ' (required)'
  if (spec.default !== undefined) return ` (default: ${spec.default})`
  if (spec.fallback !== undefined) return ` (default: ${spec.fallback})`
  return ''
}

/** The flags as an aligned two-column list. */
function flagLines(command: Command): string[] {
  const rows = Object.entries(command.flags).map(function row([name, spec]): [string, string] {
    const left = spec.type === 'boolean' ? `--${name}` : `--${name} ${spec.value ?? 'VALUE'}`
    return [left, `${spec.help}${note(spec)}`]
  })
  rows.push(['-h, --help', HELP_FLAG.help])
  const width = Math.max(...rows.map(([left]) => left.length)) + 2
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`)
}

/** `ledgerly-webhooks <command> --help`: usage, description, every flag with its default, examples. */
export function commandHelp(command: Command): string {
  return [
    `Usage: ${BIN} ${command.usage}`,
    '',
    command.description,
    '',
    'Flags:',
    ...flagLines(command),
    '',
    command.examples.length > 1 ? 'Examples:' : 'Example:',
    ...command.examples.map((line) => `  ${line}`),
    '',
    `Exit codes: ${command.exits}`,
    '',
  ].join('\n')
}

/** `ledgerly-webhooks --help`: the commands, and where to read more. */
export function overview(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((command) => command.name.length)) + 3
  return [
    `Usage: ${BIN} <command> [flags]`,
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}${command.summary}`),
    '',
    `Run "${BIN} <command> --help" for a command's flags, their defaults and an example.`,
    `--secret may be left out when LEDGERLY_WEBHOOK_SECRET is set (keeps it out of the process list).`,
    `Exit codes: 0 ok, 1 failure, 2 usage error. "${BIN} --version" prints the version.`,
    '',
  ].join('\n')
}

// Help, usage errors and their messages, as a new user meets them: the built bin, run as a child process.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from './helpers/cli.js'
import { startServer, statuses } from './helpers/server.js'

const secret = 'hunter2-cli-secret'
const dir = mkdtempSync(join(tmpdir(), 'ledgerly-cli-help-'))
const bodyFile = join(dir, 'body.json')
writeFileSync(bodyFile, '{"event":"entry_persisted","data":{"id":"entry_help"}}')
const notUtf8File = join(dir, 'not-utf8.bin')
writeFileSync(notUtf8File, Buffer.from([0xff, 0xfe, 0x7b]))
/** No secret from the environment running the tests. */
const noEnv = { LEDGERLY_WEBHOOK_SECRET: '' }
const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

/** What only the full usage prints: a usage error must not reprint it. */
function expectNoFullUsage(stderr: string) {
  expect(stderr).not.toContain('<command> [flags]')
  expect(stderr).not.toMatch(/^(Usage|Commands|Flags):/m)
}

/** A library function name in front of a message (`createSigner: …`), or a stack frame. */
const INTERNAL = /\b(create\w+|bullmqQueue|memoryQueue|dispatch|sign|verify): |\n\s+at /

describe('ledgerly-webhooks <command> --help (the built bin)', () => {
  it.each([
    [
      ['listen', '--help'],
      'listen',
      ['--port PORT', '(default: 3000)', '--host HOST', '(default: 127.0.0.1)', '(default: 300)'],
    ],
    [
      ['send', '--help'],
      'send',
      [
        '--url URL',
        '(required)',
        '--event NAME',
        '(default: entry_persisted)',
        '--count N',
        '(default: 1)',
        '--tries N',
        '(default: 3)',
        '(default: 10,30,60)',
        '--timeout SECONDS',
        '(default: 30)',
        '--legacy',
      ],
    ],
    [['sign', '-h'], 'sign', ['--file PATH', '(default: http://localhost:3000/webhooks)', '--timestamp']],
    [['verify', '--help'], 'verify', ['--headers PATH', '--tolerance SECONDS', '(default: 300)']],
    [
      ['worker', '--help'],
      'worker',
      [
        '--redis URL',
        '(default: ledgerly-webhooks)',
        '--concurrency N',
        '(default: 100)',
        '--backoff-scale X',
        '(default: 1)',
        '--stalled-interval MS',
        '(default: 30000)',
        '--lock-duration MS',
        '--quiet',
      ],
    ],
    [['secret', '--help'], 'secret', ['-h, --help']],
    [['help', 'listen'], 'listen', ['(default: 3000)']],
    // Help wins over the other flags: nothing is sent, nothing is required.
    [['send', '--url', 'http://127.0.0.1:9/', '--count', '5', '--help'], 'send', ['(default: 10,30,60)']],
  ])('%j → usage, flags with defaults and an example on stdout, exit 0', async (args, name, shown) => {
    const { code, stdout, stderr } = await runCli(args, noEnv)
    expect(code).toBe(0)
    expect(stderr).toBe('')
    expect(stdout).toMatch(new RegExp(`^Usage: ledgerly-webhooks ${name}\\b`))
    expect(stdout).toMatch(/^Examples?:\n {2}.*ledgerly-webhooks \w+/m)
    expect(stdout).toMatch(/^Exit codes: .*2 usage error/m)
    if (name !== 'secret') expect(stdout).toContain('--secret SECRET')
    if (name !== 'secret') expect(stdout).toContain('(default: $LEDGERLY_WEBHOOK_SECRET)')
    for (const text of shown) expect(stdout).toContain(text)
  })

  it('help listen → the same text as listen --help', async () => {
    const [viaHelp, viaFlag] = await Promise.all([runCli(['help', 'listen']), runCli(['listen', '--help'])])
    expect(viaHelp.stdout).toBe(viaFlag.stdout)
  })

  it.each([[['--help']], [['-h']], [['help']]])(
    '%j → every command listed with a pointer to per-command help, exit 0',
    async (args) => {
      const { code, stdout, stderr } = await runCli(args)
      expect(code).toBe(0)
      expect(stderr).toBe('')
      for (const name of ['secret', 'sign', 'verify', 'send', 'listen', 'worker']) {
        expect(stdout).toMatch(new RegExp(`^ {2}${name} +\\S`, 'm'))
      }
      expect(stdout).toContain('Run "ledgerly-webhooks <command> --help"')
    },
  )

  it('(no arguments) → the command list on stderr, exit 2', async () => {
    const { code, stdout, stderr } = await runCli([])
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toMatch(/^Usage: ledgerly-webhooks <command>/)
  })

  it('--version → the package name and version, exit 0', async () => {
    const { code, stdout } = await runCli(['--version'])
    expect(code).toBe(0)
    expect(stdout).toMatch(/^@ledgerly\/webhooks-dispatcher \d+\.\d+\.\d+\S*\n$/)
  })

  it('README CLI section → lists every default that --help shows', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
    const section = readme.slice(
      readme.indexOf('## CLI'),
      readme.indexOf('\n## ', readme.indexOf('## CLI') + 1),
    )
    const seen: string[] = []
    for (const name of ['sign', 'verify', 'send', 'listen', 'worker']) {
      const { stdout } = await runCli([name, '--help'])
      for (const [, flag, value] of stdout.matchAll(/^ {2}(--[\w-]+) .*\(default: ([^$)][^)]*)\)$/gm)) {
        seen.push(`${name} ${flag}`)
        expect(section, `${name} ${flag} ${value}`).toMatch(
          new RegExp(`\\| \`${flag}\` +\\| \`${value!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\``),
        )
      }
    }
    expect(seen).toEqual(
      expect.arrayContaining(['sign --url', 'listen --port', 'send --tries', 'worker --lock-duration']),
    )
  })
})

describe('ledgerly-webhooks usage errors → one line naming the flag, a hint, exit 2', () => {
  it.each([
    [['send', '--url', 'http://x/', '--bogus'], 'send', /^unknown flag --bogus$/],
    [
      ['send', '--url', 'http://x/', '--tires', '4'],
      'send',
      /^unknown flag --tires \(did you mean --tries\?\)$/,
    ],
    [['listen', '-port', '8080'], 'listen', /^unknown flag -port \(did you mean --port\?\)$/],
    [['send', '--url'], 'send', /^--url needs a value: --url URL$/],
    [
      ['send', '--url', '--count', '2'],
      'send',
      /^--url needs a value .*the next argument is the flag --count$/,
    ],
    [
      ['send', '--url', 'http://x/', '--count', 'abc'],
      'send',
      /^--count must be a whole number >= 1, got "abc"$/,
    ],
    [['send', '--url', 'http://x/', '--legacy=yes'], 'send', /^--legacy is a switch and takes no value$/],
    [
      ['send', '--url', 'http://x/', '--backoff', '1,', '2'],
      'send',
      /^unexpected argument after --backoff's value/,
    ],
    [['listen', '--port', 'http'], 'listen', /^--port must be a whole number from 0 to 65535, got "http"$/],
    // Number() would read these as 8080, 1000 and 3000000.
    [
      ['listen', '--port', '0x1F90'],
      'listen',
      /^--port must be a whole number from 0 to 65535, got "0x1F90"$/,
    ],
    [
      ['send', '--url', 'http://x/', '--count', '1e3'],
      'send',
      /^--count must be a whole number >= 1, got "1e3"$/,
    ],
    [
      ['send', '--url', 'http://x/', '--timeout', '3e6'],
      'send',
      /^--timeout must be a number >= 0.001, got "3e6"$/,
    ],
    [['verify', '--file', bodyFile], 'verify', /^--headers is required \(the captured headers/],
    [['sned'], undefined, /^unknown command "sned" \(did you mean "send"\?\)$/],
    [['help', 'nope'], undefined, /^unknown command "nope"$/],
  ])('%j → one line and a --help hint, exit 2, no full usage', async (args, command, message) => {
    const { code, stdout, stderr } = await runCli(args, { LEDGERLY_WEBHOOK_SECRET: secret })
    expect(code).toBe(2)
    expect(stdout).toBe('')
    const [line, hint, ...rest] = stderr.split('\n')
    expect(line!.replace(/^error: /, '')).toMatch(message)
    expect(line).toMatch(/^error: /)
    expect(hint).toBe(`run "ledgerly-webhooks${command ? ` ${command}` : ''} --help" for usage`)
    expect(rest).toEqual([''])
    expectNoFullUsage(stderr)
  })
})

describe('ledgerly-webhooks library option errors → named by the flag, not by an internal function', () => {
  it.each([
    [['send', '--url', 'ftp://x/'], /^--url must use http or https, got ftp:$/],
    [['send', '--url', 'https://user:pw@x/'], /^--url must not carry credentials/],
    [['send', '--url', 'http://x/', '--timeout', '3000000'], /^--timeout must be at most 2147483 seconds/],
    [['send', '--url', 'http://x/', '--event', 'bad event'], /^--event must be 1 to 200 visible ASCII/],
    [['send', '--url', 'http://x/', '--file', notUtf8File], /^--file must be valid UTF-8/],
    [
      ['send', '--url', 'http://x/', '--secret', 'a', '--secret', 'b', '--legacy'],
      /^--legacy signs with exactly one secret/,
    ],
    [
      ['send', '--url', 'http://x/', '--secret', 'a', '--secret', 'b '],
      /^--secret #2 has surrounding whitespace/,
    ],
    [['sign', '--file', bodyFile, '--timestamp', '1700000000000'], /^--timestamp must be unix seconds/],
    [['sign', '--file', bodyFile, '--secret', ' padded'], /^--secret has surrounding whitespace/],
    [
      ['worker', '--redis', 'http://x', '--url', 'http://x/'],
      /^--redis must use redis: or rediss:, got http:$/,
    ],
    [
      ['worker', '--redis', 'redis://127.0.0.1:1/db', '--url', 'http://x/'],
      /^--redis: the database .* must be a number$/,
    ],
    // decodeURIComponent threw a URIError, which the CLI reported as its own bug.
    [
      ['worker', '--redis', 'redis://u:p%zz@127.0.0.1:1', '--url', 'http://x/'],
      /^--redis: the password in the Redis URL has a bad %-escape/,
    ],
    [
      ['worker', '--redis', 'redis://127.0.0.1:1', '--url', 'http://x/', '--queue', 'a b'],
      /^--queue must be 1 to 100/,
    ],
    [
      ['worker', '--redis', 'redis://127.0.0.1:1', '--url', 'http://x/', '--stalled-interval', '9999999999'],
      /^--stalled-interval must be at most/,
    ],
  ])('%j → usage error naming the flag, exit 2', async (args, message) => {
    const { code, stderr } = await runCli(args, { LEDGERLY_WEBHOOK_SECRET: secret })
    expect(code).toBe(2)
    expect(stderr.split('\n')[0]!.replace(/^error: /, '')).toMatch(message)
    expect(stderr).not.toMatch(INTERNAL)
    expectNoFullUsage(stderr)
  })

  it('LEDGERLY_WEBHOOK_SECRET with a trailing newline → usage error naming the variable, exit 2', async () => {
    const { code, stderr } = await runCli(['sign', '--file', bodyFile], {
      LEDGERLY_WEBHOOK_SECRET: `${secret}\n`,
    })
    expect(code).toBe(2)
    expect(stderr).toMatch(/^error: LEDGERLY_WEBHOOK_SECRET has surrounding whitespace/)
  })
})

describe('ledgerly-webhooks never prints a secret', () => {
  it.each([
    [['sign', '--file', bodyFile, secret]],
    [['sign', '--file', bodyFile, '--secret', secret, secret]],
    [['sign', '--file', bodyFile, `--bogus=${secret}`]],
    [['sign', '--file', bodyFile, `-${secret}`]],
    [['sign', '--file', bodyFile, '--secret', `-${secret}`]],
    [['sign', '--file', bodyFile, '--secret', ` ${secret}`]],
    [['sign', '--file', bodyFile, '--secret', secret, '--legacy', secret]],
    [['send', '--url', 'ftp://x/', '--secret', secret]],
    [['send', '--url', 'http://x/', '--secret', secret, '--secret', `${secret} `]],
    [['verify', '--secret', secret, '--headers', bodyFile, '--file', bodyFile]],
    // A flag before the command was echoed as an unknown command.
    [[`--secret=${secret}`, 'send', '--url', 'http://x/']],
    [['help', `--secret=${secret}`]],
  ])('%j → the secret appears in neither stdout nor stderr', async (args) => {
    const { code, stdout, stderr } = await runCli(args, noEnv)
    expect(code).not.toBe(0)
    expect(`${stdout}${stderr}`).not.toContain(secret)
  })
})

describe('ledgerly-webhooks failures and bugs', () => {
  it('listen on a port already in use → one line naming --port, exit 1, no stack', async () => {
    const server = await startServer(statuses(200))
    cleanups.push(server.close)
    const port = new URL(server.url).port
    const { code, stderr } = await runCli(['listen', '--port', port, '--secret', secret])
    expect(code).toBe(1)
    expect(stderr).toBe(
      `error: --port ${port} is already in use on 127.0.0.1; pick another (--port 0 picks a free one)\n`,
    )
  })

  it('listen --host 192.0.2.1 (not this machine) → one line naming --host, exit 1, no stack', async () => {
    const { code, stderr } = await runCli([
      'listen',
      '--host',
      '192.0.2.1',
      '--port',
      '0',
      '--secret',
      secret,
    ])
    expect(code).toBe(1)
    expect(stderr).toBe('error: --host 192.0.2.1 is not an address of this machine\n')
  })

  it('secret with a bug inside (an injected TypeError) → "internal error" with the stack, exit 1', async () => {
    const inject = 'globalThis.crypto.getRandomValues = () => { throw new TypeError("injected bug") }'
    const { code, stdout, stderr } = await runCli(['secret'], {
      NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(inject)}`,
    })
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toMatch(
      /^internal error in "ledgerly-webhooks secret": this is a bug in ledgerly-webhooks/,
    )
    expect(stderr).toContain('TypeError: injected bug')
    expect(stderr).toMatch(/\n\s+at generateSecret /)
  })
})

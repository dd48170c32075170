import { mkdtempSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createVerifier } from '@ledgerly/webhooks'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli, startCli } from './helpers/cli.js'
import { closedPort, startServer, statuses } from './helpers/server.js'

const secret = 'cli-test-secret'
const dir = mkdtempSync(join(tmpdir(), 'ledgerly-cli-'))
const bodyFile = join(dir, 'body.json')
const body = '{"event":"entry_persisted","data":{"id":"entry_cli","action":"x"}}'
writeFileSync(bodyFile, body)
const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

describe('ledgerly-webhooks CLI (the built bin)', () => {
  it('secret → a fresh random secret each time, exit 0', async () => {
    const [a, b] = await Promise.all([runCli(['secret']), runCli(['secret'])])
    expect(a.code).toBe(0)
    expect(a.stdout.trim()).toMatch(/^\S{32,}$/)
    expect(a.stdout).not.toBe(b.stdout)
  })

  it('sign → headers the core verifier accepts, and a curl command', async () => {
    const { code, stdout } = await runCli([
      'sign',
      '--secret',
      secret,
      '--file',
      bodyFile,
      '--url',
      'http://h/x',
    ])
    expect(code).toBe(0)
    expect(stdout).toContain("curl -sS -X POST 'http://h/x'")
    expect(stdout).toContain(`--data-binary @'${bodyFile}'`)
    const headers = Object.fromEntries(
      stdout.split('\n').flatMap((line) => (/^x-ledgerly-/.test(line) ? [line.split(': ')] : [])),
    )
    await expect(createVerifier({ secret }).verify({ payload: body, headers })).resolves.toMatchObject({
      id: 'entry_cli',
    })
  })

  it('sign → verify round trip → ok, exit 0; wrong secret → SIGNATURE_MISMATCH, exit 1', async () => {
    const signed = await runCli(['sign', '--secret', secret, '--file', bodyFile])
    const headersFile = join(dir, 'h.txt')
    writeFileSync(headersFile, `POST /webhooks HTTP/1.1\r\n${signed.stdout}`)
    const ok = await runCli(['verify', '--secret', secret, '--headers', headersFile, '--file', bodyFile])
    expect(ok).toMatchObject({ code: 0 })
    expect(ok.stdout).toMatch(/^ok event=entry_persisted id=entry_cli /)
    const bad = await runCli([
      'verify',
      '--secret',
      'other-secret',
      '--headers',
      headersFile,
      '--file',
      bodyFile,
    ])
    expect(bad.code).toBe(1)
    expect(bad.stdout).toMatch(/^SIGNATURE_MISMATCH \(HTTP 401\)/)
  })

  it('verify of a stale capture → TIMESTAMP_TOO_OLD, exit 1; --tolerance widens the window', async () => {
    const signed = await runCli(['sign', '--secret', secret, '--file', bodyFile, '--timestamp', '1700000000'])
    const headersFile = join(dir, 'stale.txt')
    writeFileSync(headersFile, signed.stdout)
    const stale = await runCli(['verify', '--headers', headersFile, '--file', bodyFile], {
      LEDGERLY_WEBHOOK_SECRET: secret,
    })
    expect(stale.code).toBe(1)
    expect(stale.stdout).toMatch(/^TIMESTAMP_TOO_OLD/)
    const wide = await runCli(
      ['verify', '--headers', headersFile, '--file', bodyFile, '--tolerance', '999999999'],
      {
        LEDGERLY_WEBHOOK_SECRET: secret,
      },
    )
    expect(wide.code).toBe(0)
  })

  it('send to 500, 500, 200 with --backoff 0.05 → 3 attempts printed, exit 0', async () => {
    const server = await startServer(statuses(500, 500, 200))
    cleanups.push(server.close)
    const { code, stdout } = await runCli([
      'send',
      '--url',
      server.url,
      '--secret',
      secret,
      '--backoff',
      '0.05,0.1',
    ])
    expect(code).toBe(0)
    expect(stdout).toMatch(/attempt 1: SERVER_ERROR HTTP 500 \(receiver: "answer"\); retry in 0\.05 s/)
    expect(stdout).toMatch(/attempt 2: SERVER_ERROR HTTP 500 \(receiver: "answer"\); retry in 0\.1 s/)
    expect(stdout).toMatch(/attempt 3: delivered \(HTTP 200/)
    expect(server.received).toHaveLength(3)
  })

  it('send --count 3 --legacy → 3 deliveries with bare-hex signatures', async () => {
    const server = await startServer(statuses(204))
    cleanups.push(server.close)
    const { code } = await runCli([
      'send',
      '--url',
      server.url,
      '--secret',
      secret,
      '--count',
      '3',
      '--legacy',
    ])
    expect(code).toBe(0)
    expect(server.received).toHaveLength(3)
    for (const request of server.received)
      expect(request.headers['x-ledgerly-signature']).toMatch(/^[0-9a-f]{64}$/)
  })

  it('send to a 422 → exit 1 with CLIENT_ERROR printed', async () => {
    const server = await startServer(statuses(422))
    cleanups.push(server.close)
    const { code, stderr } = await runCli(['send', '--url', server.url, '--secret', secret])
    expect(code).toBe(1)
    expect(stderr).toMatch(/failed permanently: CLIENT_ERROR/)
    expect(server.received).toHaveLength(1)
  })

  it('send to a closed port with --tries 2 → exit 1 with NETWORK_ERROR', async () => {
    const port = await closedPort()
    const { code, stdout, stderr } = await runCli([
      'send',
      '--url',
      `http://127.0.0.1:${port}/`,
      '--secret',
      secret,
      '--tries',
      '2',
      '--backoff',
      '0.01',
    ])
    expect(code).toBe(1)
    expect(stdout.match(/NETWORK_ERROR/g)).toHaveLength(2)
    expect(stderr).toMatch(/NETWORK_ERROR/)
  })

  it('listen → prints verified events, rejects forgeries with their code', async () => {
    const listener = startCli(['listen', '--port', '0', '--secret', secret], /127\.0\.0\.1:(\d+)/)
    cleanups.push(listener.stop)
    const [, port] = await listener.started
    const url = `http://127.0.0.1:${port}/`
    const sent = await runCli(['send', '--url', url, '--secret', secret, '--file', bodyFile])
    expect(sent.code).toBe(0)
    const resent = await runCli(['send', '--url', url, '--secret', secret, '--file', bodyFile])
    expect(resent.code).toBe(0)
    const forged = await runCli(['send', '--url', url, '--secret', 'forger-secret', '--file', bodyFile])
    expect(forged.code).toBe(1)
    const unsigned = await fetch(url, { method: 'POST', body })
    expect(unsigned.status).toBe(400)
    await expect.poll(listener.output).toMatch(/MISSING_SIGNATURE/)
    const output = listener.output()
    expect(output).toMatch(/✔ entry_persisted id=entry_cli attempt=1\n/)
    expect(output).toMatch(/✔ entry_persisted id=entry_cli attempt=1 \(duplicate, ignored\)/)
    expect(output).toMatch(/✘ SIGNATURE_MISMATCH \(HTTP 401\)/)
  })

  it('listen with a client holding a request open, SIGTERM → exit 0 after a short grace, not when the client hangs up', async () => {
    const listener = startCli(['listen', '--port', '0', '--secret', secret], /127\.0\.0\.1:(\d+)/)
    cleanups.push(listener.kill)
    const [, port] = await listener.started
    const idle = connect(Number(port), '127.0.0.1')
    const slow = connect(Number(port), '127.0.0.1')
    for (const socket of [idle, slow]) {
      socket.on('error', () => {})
      cleanups.push(async () => void socket.destroy())
    }
    // A request whose body never completes: the server holds it open.
    slow.write('POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\nabc')
    await new Promise((resolve) => setTimeout(resolve, 200))
    const started = Date.now()
    const stillRunning = new Promise((resolve) => setTimeout(() => resolve('still running after 5 s'), 5_000))
    expect(await Promise.race([listener.stop(), stillRunning])).toEqual({ code: 0, signal: null })
    expect(Date.now() - started).toBeLessThan(4_000)
  })

  it.each([
    [
      'problem+json with a code',
      'application/problem+json',
      JSON.stringify({
        type: 'x',
        title: 'Webhook signature mismatch',
        status: 401,
        code: 'SIGNATURE_MISMATCH',
      }),
      /attempt 1: FAILED permanently CLIENT_ERROR HTTP 401 \(receiver: SIGNATURE_MISMATCH\)\n/,
    ],
    [
      'a plain-text code (the listen command)',
      'text/plain',
      'SIGNATURE_MISMATCH',
      /attempt 1: FAILED permanently CLIENT_ERROR HTTP 401 \(receiver: "SIGNATURE_MISMATCH"\)\n/,
    ],
    [
      'a long HTML page',
      'text/html',
      `<html>\n<body>\n\u001b[31m${'Unauthorized '.repeat(40)}</body></html>`,
      /attempt 1: FAILED permanently CLIENT_ERROR HTTP 401 \(receiver: "<html> <body> \[31mUnauthorized [^\n"]{40,90}…"\)\n/,
    ],
    [
      'a body that echoes the secret',
      'text/plain',
      `bad secret ${secret}`,
      /attempt 1: FAILED permanently CLIENT_ERROR HTTP 401 \(receiver: "bad secret \[secret\]"\)\n/,
    ],
    ['an empty body', 'text/plain', '', /attempt 1: FAILED permanently CLIENT_ERROR HTTP 401\n/],
  ])(
    'send to a 401 answering %s → the FAILED line says why, in one line',
    async (_label, type, answer, line) => {
      const server = await startServer((_index, _request, response) => {
        response.writeHead(401, { 'content-type': type }).end(answer)
      })
      cleanups.push(server.close)
      const { code, stdout } = await runCli(['send', '--url', server.url, '--secret', secret])
      expect(code).toBe(1)
      expect(stdout).toMatch(line)
      expect(stdout).not.toContain(secret)
      expect(stdout).not.toContain('\u001b')
    },
  )

  it.each([
    [['nope'], /unknown command/],
    [['send', '--secret', secret], /--url is required/],
    [['send', '--url', 'http://x/', '--secret', secret, '--backoff', '1,,2'], /--backoff must be/],
    [['send', '--url', 'http://x/', '--secret', secret, '--tries', '0'], /--tries must be/],
    [['sign', '--secret', secret], /--file is required/],
    [['sign', '--file', bodyFile, '--bogus'], /unknown flag --bogus/],
    [['send', '--url', 'ftp://x/', '--secret', secret], /http or https/],
    [['worker', '--secret', secret], /--redis and --url are required/],
    [['worker', '--redis', 'http://x', '--url', 'http://x/', '--secret', secret], /redis: or rediss:/],
    // Checked before the queue connects: an open Redis connection used to keep the process alive forever.
    [
      [
        'worker',
        '--redis',
        'redis://127.0.0.1:1',
        '--url',
        'https://user:pw@example.com/hooks',
        '--secret',
        secret,
      ],
      /must not carry credentials/,
    ],
    [
      ['worker', '--redis', 'redis://127.0.0.1:1', '--url', 'http://x/', '--secret', secret, '--tries', '0'],
      /--tries/,
    ],
    [
      [
        'worker',
        '--redis',
        'redis://127.0.0.1:1',
        '--url',
        'http://x/',
        '--secret',
        secret,
        '--timeout',
        '3e6',
      ],
      /timeout/,
    ],
    [['send', '--url', 'http://x/', '--secret', secret, '--event', 'bad event'], /event/],
    [['sign', '--secret', ' padded', '--file', bodyFile], /whitespace/],
    [['sign', '--secret', secret, '--file', bodyFile, '--timestamp', '1700000000000'], /timestamp/],
    // GUIDE §2: T has no leading zero, no sign, no spaces; `0170` used to sign t=170.
    [['sign', '--secret', secret, '--file', bodyFile, '--timestamp', '0170'], /--timestamp must be/],
    [['sign', '--secret', secret, '--file', bodyFile, '--timestamp', ' 1700000000'], /--timestamp must be/],
    // Plain decimals, as every other number flag: Number() took hex and exponents.
    [
      ['send', '--url', 'http://127.0.0.1:9/', '--secret', secret, '--tries', '1', '--backoff', '0x10'],
      /--backoff must be/,
    ],
    [
      ['send', '--url', 'http://127.0.0.1:9/', '--secret', secret, '--tries', '1', '--backoff', '1e3'],
      /--backoff must be/,
    ],
    [
      ['send', '--url', 'http://127.0.0.1:9/', '--secret', secret, '--tries', '1', '--backoff', '1,0b1'],
      /--backoff must be/,
    ],
    [['sign', '--secret', secret, '--file', '/nonexistent/body.json'], /cannot read .*body\.json/],
    [
      ['verify', '--secret', secret, '--file', bodyFile, '--headers', '/nonexistent/h.txt'],
      /cannot read .*h\.txt/,
    ],
    [['listen', '--secret', secret, '--port', '99999'], /--port/],
  ])('%j → usage error, exit 2', async (args, message) => {
    const { code, stderr } = await runCli(args, { LEDGERLY_WEBHOOK_SECRET: '' })
    expect(code).toBe(2)
    expect(stderr).toMatch(message)
  })
})

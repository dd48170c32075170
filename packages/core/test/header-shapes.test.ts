import { createServer, type IncomingHttpHeaders } from 'node:http'
import { type AddressInfo, connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createVerifier, isWebhookVerificationError } from '../src/index.js'
import { BODY, DIGEST, NOW_MS, SECRET, T } from './fixtures.js'

// Real Node IncomingHttpHeaders, as a real server parses them off the wire.
let captured: IncomingHttpHeaders[] = []
let capturedRaw: string[][] = []
const server = createServer((req, res) => {
  captured.push(req.headers)
  capturedRaw.push(req.rawHeaders)
  req.resume()
  res.end()
})

beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)))
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

/** Writes the request bytes by hand, so repeated headers really are repeated on the wire. */
function send(rawHeaders: [string, string][]): Promise<IncomingHttpHeaders> {
  captured = []
  capturedRaw = []
  const { port } = server.address() as AddressInfo
  const head = rawHeaders.map(([name, value]) => `${name}: ${value}\r\n`).join('')
  const bytes = `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(BODY)}\r\n${head}\r\n${BODY}`
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes))
    socket.on('error', reject)
    socket.resume()
    socket.on('close', () =>
      captured[0] ? resolve(captured[0]) : reject(new Error('the server saw no request')),
    )
  })
}

const verifier = createVerifier({ secret: SECRET, now: () => NOW_MS })
const valid = `t=${T},v1=${DIGEST}`

function code(headers: IncomingHttpHeaders): string {
  try {
    verifier.verifySync({ payload: BODY, headers })
    return 'valid'
  } catch (error) {
    if (isWebhookVerificationError(error)) return error.code
    throw error
  }
}

describe('headers off a real Node server', () => {
  test.each([
    ['one signature header → valid', [['X-Ledgerly-Signature', valid]], 'valid'],
    [
      'signature sent twice on the wire → MALFORMED_SIGNATURE',
      [
        ['X-Ledgerly-Signature', valid],
        ['x-ledgerly-signature', valid],
      ],
      'MALFORMED_SIGNATURE',
    ],
    [
      'legacy + timestamp twice → MALFORMED_TIMESTAMP',
      [
        ['X-Ledgerly-Signature', DIGEST],
        ['X-Ledgerly-Timestamp', String(T)],
        ['X-Ledgerly-Timestamp', String(T)],
      ],
      'MALFORMED_TIMESTAMP',
    ],
    [
      'legacy + one timestamp → valid',
      [
        ['X-Ledgerly-Signature', DIGEST],
        ['X-Ledgerly-Timestamp', String(T)],
      ],
      'valid',
    ],
    ['no signature → MISSING_SIGNATURE', [['X-Other', 'x']], 'MISSING_SIGNATURE'],
  ] as [string, [string, string][], string][])('%s', async (_name, raw, expected) => {
    expect(code(await send(raw))).toBe(expected)
    // The same request read from Node's flat rawHeaders list gives the same outcome.
    expect(code(capturedRaw[0] as never)).toBe(expected)
  })
})

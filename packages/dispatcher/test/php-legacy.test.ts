import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { createSignedDispatcher } from '../src/index.js'
import { type Received, startServer, statuses } from './helpers/server.js'

const php = fileURLToPath(new URL('./fixtures/verify-legacy.php', import.meta.url))
const referenceVerifier = fileURLToPath(
  new URL('../../../test-vectors/php/verify_vectors.php', import.meta.url),
)
const secret = 'php-shared-secret-é-ünïcode'
const dir = mkdtempSync(join(tmpdir(), 'ledgerly-php-'))

function phpCheck(request: Received, secretForPhp = secret) {
  const bodyFile = join(dir, `body-${Math.random()}.json`)
  writeFileSync(bodyFile, request.body)
  const result = spawnSync('php', [php], {
    encoding: 'utf8',
    env: {
      ...process.env,
      LEDGERLY_TIMESTAMP: String(request.headers['x-ledgerly-timestamp']),
      LEDGERLY_SIGNATURE: String(request.headers['x-ledgerly-signature']),
      LEDGERLY_BODY_FILE: bodyFile,
      LEDGERLY_WEBHOOK_SECRET: secretForPhp,
    },
  })
  if (result.error) {
    throw new Error(
      `php is required for this test (Debian: apt-get install -y php-cli): ${result.error.message}`,
    )
  }
  return { status: result.status, out: result.stdout.trim() }
}

describe('legacy format against the seed PHP check (hash_hmac + hash_equals)', async () => {
  const server = await startServer(statuses(500, 200))
  afterAll(server.close)
  const dispatcher = createSignedDispatcher({
    url: server.url,
    secret,
    format: 'legacy',
    backoffScale: 0.001,
  })
  afterAll(() => dispatcher.close())
  await dispatcher.dispatch(
    {
      event: 'entry_persisted',
      data: { id: 'entry_php', action: 'café.updated', note: 'multi-byte ✓ body' },
    },
    'entry_persisted',
  )
  await dispatcher.drained()

  it('legacy header → bare 64-hex signature plus X-Ledgerly-Timestamp', () => {
    expect(server.received).toHaveLength(2)
    for (const request of server.received) {
      expect(request.headers['x-ledgerly-signature']).toMatch(/^[0-9a-f]{64}$/)
      expect(request.headers['x-ledgerly-timestamp']).toMatch(/^\d{10}$/)
    }
  })

  it('every attempt (first and retry) → PHP says ok', () => {
    for (const request of server.received) expect(phpCheck(request)).toEqual({ status: 0, out: 'ok' })
  })

  it('wrong secret → PHP says forbidden', () => {
    expect(phpCheck(server.received[0]!, 'another-secret')).toEqual({ status: 3, out: 'forbidden' })
  })

  it('one body byte changed → PHP says forbidden', () => {
    const request = server.received[0]!
    const tampered = Buffer.from(request.body)
    tampered[tampered.length - 2] = tampered[tampered.length - 2]! ^ 1
    expect(phpCheck({ ...request, body: tampered })).toEqual({ status: 3, out: 'forbidden' })
  })
})

describe('captured attempts through the PHP reference verifier (test-vectors/php)', async () => {
  const server = await startServer(statuses(502, 200))
  afterAll(server.close)
  const legacy = createSignedDispatcher({ url: server.url, secret, format: 'legacy', backoffScale: 0.001 })
  const compound = createSignedDispatcher({
    url: server.url,
    secret: ['rotated-in-secret', secret],
    backoffScale: 0.001,
  })
  afterAll(() => Promise.all([legacy.close(), compound.close()]))
  await legacy.dispatch(
    { event: 'entry_persisted', data: { id: 'entry_vec_legacy', note: 'naïve' } },
    'entry_persisted',
  )
  await legacy.drained()
  await compound.dispatch({ event: 'entry_persisted', data: { id: 'entry_vec_compound' } }, 'entry_persisted')
  await compound.drained()

  it('every attempt as a vector → the reference verifier agrees (valid, id, secretIndex), tampering → mismatch', () => {
    expect(server.received).toHaveLength(3)
    const cases = server.received.flatMap((request, index) => {
      const headers = ['x-ledgerly-signature', 'x-ledgerly-timestamp'].map((name) => [
        name,
        String(request.headers[name]),
      ])
      const timestamp = Number(request.headers['x-ledgerly-timestamp'])
      const body = JSON.parse(request.body.toString('utf8')) as { event: string; data: { id: string } }
      const common = { scheme: 'ledgerly', secrets: [secret], headers, now: timestamp, tolerance: 300 }
      const tampered = Buffer.from(request.body)
      tampered[tampered.length - 3] = tampered[tampered.length - 3]! ^ 1
      return [
        {
          id: `attempt-${index}`,
          description: 'captured from the dispatcher',
          ...common,
          body: { hex: request.body.toString('hex') },
          expected: { valid: true, event: body.event, id: body.data.id, secretIndex: 0, timestamp },
        },
        {
          id: `attempt-${index}-tampered`,
          description: 'one body bit flipped',
          ...common,
          body: { hex: tampered.toString('hex') },
          expected: { valid: false, code: 'SIGNATURE_MISMATCH' },
        },
      ]
    })
    const vectorDir = mkdtempSync(join(tmpdir(), 'ledgerly-vectors-'))
    writeFileSync(join(vectorDir, 'dispatcher.json'), JSON.stringify({ title: 'dispatcher attempts', cases }))
    const result = spawnSync('php', [referenceVerifier, vectorDir], { encoding: 'utf8' })
    if (result.error) throw new Error(`php is required (apt-get install -y php-cli): ${result.error.message}`)
    expect(result.stderr).toBe('')
    expect(result.stdout).toContain(`${cases.length} passed, 0 failed`)
    expect(result.status).toBe(0)
  })
})

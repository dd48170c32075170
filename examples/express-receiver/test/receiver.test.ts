// Runs the example as a real process (node src/server.js): signed, repeated and forged deliveries.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { signedHeaders } from '@ledgerly/webhooks/testing'
import { afterAll, beforeAll, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const SECRET = 'example-receiver-test-secret'
const body = JSON.stringify({ event: 'entry_persisted', data: { id: 'entry-42', action: 'invoice.paid' } })
let child: ChildProcess
let url: string
let output = ''

beforeAll(async () => {
  const adapterEntry = createRequire(`${root}package.json`).resolve('@ledgerly/webhooks-express')
  if (!existsSync(adapterEntry)) {
    throw new Error(
      `${adapterEntry} is missing: build first (pnpm --filter @ledgerly/webhooks-express... build)`,
    )
  }
  child = spawn(process.execPath, ['src/server.js'], {
    cwd: root,
    env: { ...process.env, LEDGERLY_WEBHOOK_SECRET: SECRET, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (data: Buffer) => {
      output += data
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match) resolve(match[1]!)
    })
    child.stderr!.on('data', (data: Buffer) => {
      output += data
    })
    child.once('exit', (code) => reject(new Error(`the example exited with ${code}:\n${output}`)))
  })
})

afterAll(() => {
  child?.kill()
})

it('signed delivery → 204, the entry is handled', async () => {
  const response = await fetch(`${url}/webhooks/ledgerly`, {
    method: 'POST',
    headers: signedHeaders({ payload: body, secret: SECRET }),
    body,
  })
  expect(response.status).toBe(204)
  await expect.poll(() => output).toContain('entry-42')
})

it('the same event delivered again (fresh signature) → 200 duplicate, the handler ran once', async () => {
  // Ledgerly re-signs each attempt with a fresh timestamp; the idempotency key comes from the signed body.
  for (const attempt of [2, 3]) {
    const headers = {
      ...signedHeaders({ payload: body, secret: SECRET }),
      'x-ledgerly-attempt': String(attempt),
    }
    const response = await fetch(`${url}/webhooks/ledgerly`, { method: 'POST', headers, body })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ outcome: 'duplicate' })
  }
  expect(output.match(/ledger entry/g)).toHaveLength(1)
})

it('forged delivery (signed with another secret) → 401 SIGNATURE_MISMATCH problem+json', async () => {
  const headers = signedHeaders({ payload: body, secret: 'not-the-secret' })
  const response = await fetch(`${url}/webhooks/ledgerly`, { method: 'POST', headers, body })
  expect(response.status).toBe(401)
  expect(response.headers.get('content-type')).toBe('application/problem+json')
  expect(await response.json()).toMatchObject({ code: 'SIGNATURE_MISMATCH', status: 401 })
})

it('the rest of the app still parses JSON globally', async () => {
  const response = await fetch(`${url}/health`)
  expect(await response.json()).toEqual({ ok: true })
})

import { sign } from '@ledgerly/webhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chunkedUpload } from './support/raw-upload.js'
import { type RunningRuntime, type RuntimeName, startRuntime } from './support/runtimes.js'

const SECRET = 'ledgerly-runtime-test-secret'
const BODY = '{"event":"entry_persisted","data":{"id":"entry_rt","action":"invoice.paid","severity":"info"}}'

const RUNTIMES: Array<[RuntimeName, 'node' | 'web']> = [
  ['workerd', 'web'],
  ['deno', 'node'],
  ['bun', 'node'],
]

describe.each(RUNTIMES)('withLedgerlyWebhook inside a real %s process', (name, backend) => {
  let runtime: RunningRuntime
  beforeAll(async () => {
    runtime = await startRuntime(name, SECRET)
  }, 60_000)
  afterAll(async () => {
    await runtime?.stop()
  })

  it(`signed request → 200 with the webhook (${backend} crypto)`, async () => {
    const headers = { 'content-type': 'application/json', ...(await sign(BODY, { secret: SECRET })) }
    const response = await fetch(runtime.url, { method: 'POST', headers, body: BODY })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ id: 'entry_rt', event: 'entry_persisted', backend })
  })

  it('forged request (signed with another secret) → 401 SIGNATURE_MISMATCH', async () => {
    const headers = {
      'content-type': 'application/json',
      ...(await sign(BODY, { secret: 'not-the-secret' })),
    }
    const response = await fetch(runtime.url, { method: 'POST', headers, body: BODY })
    expect(response.status).toBe(401)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(await response.json()).toMatchObject({ code: 'SIGNATURE_MISMATCH', status: 401 })
  })

  it('body over maxBodyBytes → 413, and the process keeps serving', async () => {
    const headers = await sign('x', { secret: SECRET })
    const response = await fetch(runtime.url, { method: 'POST', headers, body: 'x'.repeat(65 * 1024) })
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })
    const again = await fetch(runtime.url, {
      method: 'POST',
      headers: await sign(BODY, { secret: SECRET }),
      body: BODY,
    })
    expect(again.status).toBe(200)
  })

  it('chunked body (no Content-Length) far over maxBodyBytes → 413, and the process keeps serving', async () => {
    const response = await chunkedUpload(runtime.url, await sign('x', { secret: SECRET }), 2 * 1024 * 1024)
    expect(response.status).toBe(413)
    expect(response.text).toContain('PAYLOAD_TOO_LARGE')
    const again = await fetch(runtime.url, {
      method: 'POST',
      headers: await sign(BODY, { secret: SECRET }),
      body: BODY,
    })
    expect(again.status).toBe(200)
  })
})

import { sign } from '@ledgerly/webhooks'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  abandonedUpload,
  chunkedUpload,
  fetchUpload,
  sizedUpload,
  type UploadOutcome,
} from './support/raw-upload.js'
import { type RunningRuntime, type RuntimeName, startRuntime } from './support/runtimes.js'

const SECRET = 'ledgerly-runtime-test-secret'
const BODY = '{"event":"entry_persisted","data":{"id":"entry_rt","action":"invoice.paid","severity":"info"}}'

const RUNTIMES: Array<[RuntimeName, 'node' | 'web']> = [
  ['workerd', 'web'],
  ['deno', 'node'],
  ['bun', 'node'],
  ['node', 'node'],
]

/** Whether the runtime gives the handler the peer's address (Deno's info, Bun's server); workerd and node:http don't. */
const GIVES_ADDRESS: Record<RuntimeName, boolean> = { workerd: false, deno: true, bun: true, node: false }

/** Uploads cut short: the sender closes the socket after part of the body. */
const ABANDONED: Array<[string, { declared?: number; sent: number }]> = [
  ['Content-Length 900, 300 bytes sent', { declared: 900, sent: 300 }],
  ['chunked, one 300-byte chunk sent', { sent: 300 }],
]

/** Waits until the runtime printed `ANSWERED <status>` after `from`, then a little for its stderr. */
async function answeredStatus(runtime: RunningRuntime, from: number): Promise<number | undefined> {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    const match = /ANSWERED (\d+)/.exec(runtime.output().slice(from))
    if (match) {
      await new Promise((resolve) => setTimeout(resolve, 200))
      return Number(match[1])
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return undefined
}

const MiB = 1024 * 1024
/** A refused upload's reset is a race: each case uploads this many times and every one must be answered. */
const UPLOADS = 5

type Sender = (url: string, headers: Record<string, string>, totalBytes: number) => Promise<UploadOutcome>
const SENDERS: Array<[string, Sender]> = [
  ['raw socket (writes it all, then reads)', sizedUpload],
  ['Node fetch (undici, as the dispatcher)', fetchUpload],
]

/** Refusals answered without reading the body: what is refused, the route, the status, the problem code. */
const REFUSALS: Array<[string, string, number, string]> = [
  ['over maxBodyBytes', '', 413, 'PAYLOAD_TOO_LARGE'],
  ['outside allowedIps', '/allowlisted', 403, 'FORBIDDEN_SOURCE'],
]
/** Sizes past what loopback socket buffers absorb, and under the 16 MiB drain budget. */
const SIZES: Array<[string, number]> = [
  ['1 MiB', 1 * MiB],
  ['8 MiB', 8 * MiB],
]

/**
 * `[size, refusal, sender, status, route, code, bytes, send]`: every refusal, size and sender. A refused
 * source (403) is drained up to 1 MiB only (SOURCE_REFUSAL_DRAIN), so it is sent 1 MiB.
 */
const REFUSED_UPLOADS = REFUSALS.flatMap(([refusal, route, status, code]) =>
  SIZES.filter(([, bytes]) => status !== 403 || bytes <= MiB).flatMap(([size, bytes]) =>
    SENDERS.map(([sender, send]) => [size, refusal, sender, status, route, code, bytes, send] as const),
  ),
)

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

  it.each(REFUSED_UPLOADS)(
    '%s with Content-Length, %s, %s → %i read every time, no EPIPE/ECONNRESET',
    async (_size, _refusal, _sender, status, route, code, bytes, send) => {
      const headers = await sign('x', { secret: SECRET })
      const unanswered: string[] = []
      for (let i = 0; i < UPLOADS; i++) {
        const outcome = await send(runtime.url + route, headers, bytes)
        if (outcome.status !== status || !outcome.text.includes(code)) {
          unanswered.push(`status ${outcome.status} ${outcome.error ?? ''}`.trim())
        }
      }
      expect(unanswered.length, `unanswered uploads: ${unanswered.join('; ')}`).toBe(0)
      const again = await fetchUpload(runtime.url, await sign(BODY, { secret: SECRET }), BODY)
      expect(again.status, `the next request: ${again.error}`).toBe(200)
    },
    60_000,
  )

  it("handler returning problemFor()'s { status, headers, body } → 500 INTERNAL_ERROR problem+json, not the runtime's own answer", async () => {
    const headers = await sign(BODY, { secret: SECRET })
    const response = await fetch(`${runtime.url}/not-a-response`, { method: 'POST', headers, body: BODY })
    expect(response.status).toBe(500)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(await response.json()).toMatchObject({ code: 'INTERNAL_ERROR', status: 500 })
  })

  it("handler → the runtime's own request (Bun's requestIP works, Workers' cf kept) and webhook.raw = the bytes", async () => {
    const headers = await sign(BODY, { secret: SECRET })
    const response = await fetch(`${runtime.url}/same-request`, { method: 'POST', headers, body: BODY })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      same: true,
      raw: BODY,
      cf: name === 'workerd' ? 'object' : 'undefined',
      requestIP: name === 'bun' ? true : 'n/a',
    })
  })

  it(`allowedIps without getClientIp → ${GIVES_ADDRESS[name] ? '403 FORBIDDEN_SOURCE (127.0.0.1 is checked)' : '500 INTERNAL_ERROR (no address to check: configuration)'}`, async () => {
    const headers = await sign(BODY, { secret: SECRET })
    const response = await fetch(`${runtime.url}/runtime-address`, { method: 'POST', headers, body: BODY })
    const [status, code] = GIVES_ADDRESS[name] ? [403, 'FORBIDDEN_SOURCE'] : [500, 'INTERNAL_ERROR']
    expect(response.status).toBe(status)
    expect(await response.json()).toMatchObject({ code })
  })

  it.each(ABANDONED)(
    'upload cut short (%s, then the socket closes) → 499, nothing on console.error, and the process keeps serving',
    async (_name, upload) => {
      const from = runtime.output().length
      await abandonedUpload(`${runtime.url}/logged`, await sign(BODY, { secret: SECRET }), upload)
      expect(await answeredStatus(runtime, from), runtime.output().slice(from)).toBe(499)
      expect(runtime.output().slice(from)).not.toContain('@ledgerly/webhooks: answered')
      const again = await fetchUpload(runtime.url, await sign(BODY, { secret: SECRET }), BODY)
      expect(again.status).toBe(200)
    },
    20_000,
  )

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

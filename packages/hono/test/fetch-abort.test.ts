// The Fetch path (Bun, Deno, Workers, app.request()): a sender that goes away mid-body makes the body
// stream fail. As on @hono/node-server (node-server.test.ts), the answer is an empty 499 for the access
// logs, with no onError call and nothing on console.error: nobody is left to read it.
import { DIGEST, NOW_MS, SECRET, T } from '@ledgerly/test-support/wire-cases'
import { Hono } from 'hono'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ledgerlyWebhook } from '../src/index.js'

const URL = 'http://localhost/webhooks'

/** 300 bytes of a declared 900, then the failure the runtime's stream reports on a disconnect. */
function cutShortRequest(failure: unknown): Request {
  let pulls = 0
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulls++ === 0) controller.enqueue(new Uint8Array(300).fill(0x20))
      else controller.error(failure)
    },
  })
  const headers = { 'x-ledgerly-signature': `t=${T},v1=${DIGEST}`, 'content-length': '900' }
  return new Request(URL, { method: 'POST', headers, body, duplex: 'half' } as RequestInit)
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('an upload cut short, through app.request()', () => {
  it.each<[string, unknown]>([
    ['Bun AbortError', new DOMException('The operation was aborted.', 'AbortError')],
    ['Deno BadResource', Object.assign(new Error('Bad resource ID'), { name: 'BadResource' })],
    ['workerd "Network connection lost."', new Error('Network connection lost.')],
  ])('body stream failing (%s) → empty 499, onError not called, handler not run', async (_name, failure) => {
    const seen: unknown[] = []
    let runs = 0
    const app = new Hono()
    app.post(
      '/webhooks',
      ledgerlyWebhook({ secret: SECRET, now: () => NOW_MS, onError: (error) => void seen.push(error) }),
      (c) => {
        runs++
        return c.body(null, 204)
      },
    )
    const response = await app.request(cutShortRequest(failure))
    expect(response.status).toBe(499)
    expect(await response.text()).toBe('')
    expect(seen).toEqual([])
    expect(runs).toBe(0)
  })

  it('body stream failing, no onError → 499, nothing on console.error', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    const app = new Hono()
    app.post('/webhooks', ledgerlyWebhook({ secret: SECRET, now: () => NOW_MS }), (c) => c.body(null, 204))
    const response = await app.request(cutShortRequest(new Error('Network connection lost.')))
    expect(response.status).toBe(499)
    expect(log).not.toHaveBeenCalled()
  })
})

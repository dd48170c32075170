// A sender that goes away mid-body: the runtime's body stream fails (Bun: AbortError, Deno: BadResource,
// workerd: "Network connection lost."). Nobody is left to read an answer, and anyone can do it without a
// signature, so it is an empty 499 for the access logs: no onError call, nothing on console.error.
import { BODY, DIGEST, NOW_MS, requestFor, SECRET, T } from '@ledgerly/test-support/wire-cases'
import { isRequestAbortedError } from '@ledgerly/webhooks/http'
import { memoryStore } from '@ledgerly/webhooks/idempotency'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type EdgeWebhookOptions, verifyRequest, withLedgerlyWebhook } from '../src/index.js'

const URL = 'http://localhost/webhooks'

/** A body that sends `sent` bytes of the `declared`, then fails as the runtime's stream does on a disconnect. */
function cutShortRequest(failure: unknown, declared = 900, sent = 300): Request {
  let pulls = 0
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulls++ === 0) controller.enqueue(new Uint8Array(sent).fill(0x20))
      else controller.error(failure)
    },
  })
  const headers = [
    ['x-ledgerly-signature', `t=${T},v1=${DIGEST}`],
    ['content-length', String(declared)],
  ] as Array<[string, string]>
  return new Request(URL, { method: 'POST', headers, body, duplex: 'half' } as RequestInit)
}

/** What each runtime's body stream rejects with when the client disconnects mid-body. */
const FAILURES: Array<[string, unknown]> = [
  ['Bun (AbortError)', new DOMException('The operation was aborted.', 'AbortError')],
  ['Deno (BadResource)', Object.assign(new Error('Bad resource ID'), { name: 'BadResource' })],
  ['workerd (Network connection lost.)', new Error('Network connection lost.')],
  ['a non-Error', 'closed'],
]

afterEach(() => {
  vi.restoreAllMocks()
})

describe('an upload cut short', () => {
  it.each(FAILURES)(
    'withLedgerlyWebhook(%s) → empty 499, no onError call, no handler run',
    async (_name, failure) => {
      const seen: unknown[] = []
      let runs = 0
      const handle = withLedgerlyWebhook(
        () => {
          runs++
        },
        { secret: SECRET, now: () => NOW_MS, onError: (error) => void seen.push(error) },
      )
      const response = await handle(cutShortRequest(failure))
      expect(response.status).toBe(499)
      expect(await response.text()).toBe('')
      expect(seen).toEqual([])
      expect(runs).toBe(0)
    },
  )

  it.each<[string, Partial<EdgeWebhookOptions>]>([
    ['no options', {}],
    ['idempotency', { idempotency: { store: memoryStore() } }],
  ])('withLedgerlyWebhook(%s), no onError → 499, nothing on console.error', async (_name, options) => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    const handle = withLedgerlyWebhook(() => undefined, { secret: SECRET, now: () => NOW_MS, ...options })
    expect((await handle(cutShortRequest(new Error('Network connection lost.')))).status).toBe(499)
    expect(log).not.toHaveBeenCalled()
  })

  it('verifyRequest → rejects with a RequestAbortedError (isRequestAbortedError), the runtime error as its cause', async () => {
    const failure = new Error('Network connection lost.')
    const error = await verifyRequest(cutShortRequest(failure), { secret: SECRET, now: () => NOW_MS }).catch(
      (caught: unknown) => caught,
    )
    expect(isRequestAbortedError(error)).toBe(true)
    expect((error as Error).cause).toBe(failure)
  })

  it('a handler that throws a RequestAbortedError of its own → 500 INTERNAL_ERROR (it is the handler failing)', async () => {
    const seen: unknown[] = []
    const handle = withLedgerlyWebhook(
      async () => {
        await verifyRequest(cutShortRequest(new Error('lost')), { secret: SECRET })
      },
      { secret: SECRET, now: () => NOW_MS, onError: (error) => void seen.push(error) },
    )
    const request = requestFor(URL, {
      headers: [['x-ledgerly-signature', `t=${T},v1=${DIGEST}`]],
      body: BODY,
    })
    expect((await handle(request)).status).toBe(500)
    expect(seen).toHaveLength(1)
  })
})

// Node and Bun report no peer address once the client has gone. Under allowedIps that must not read as the
// receiver's configuration (a logged 500 anyone could trigger): it is a disconnect.
describe('allowedIps with no address to check', () => {
  const options: EdgeWebhookOptions = { secret: SECRET, now: () => NOW_MS, allowedIps: ['127.0.0.1'] }
  const headers = { 'x-ledgerly-signature': `t=${T},v1=${DIGEST}` }
  it.each<[string, number, number, AbortSignal | undefined]>([
    ['the request signal aborted (client gone)', 499, 0, AbortSignal.abort()],
    ['a live request (configuration: no getClientIp)', 500, 1, undefined],
  ])('%s → %i, logged %i time(s)', async (_name, status, logged, signal) => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    const handle = withLedgerlyWebhook(() => undefined, options)
    const response = await handle(new Request(URL, { method: 'POST', headers, body: BODY, signal }))
    expect(response.status).toBe(status)
    expect(log).toHaveBeenCalledTimes(logged)
  })
})

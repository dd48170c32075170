// With `idempotency`, only a 2xx answer marks an event done, as with the Express adapter. Any other answer
// is sent as it is and releases the claim: Ledgerly does not retry a 4xx, but a later delivery of the event
// (an operator's re-send after fixing the receiver, a duplicate) must run the handler, not get "duplicate".
// Served through a real node:http server, each delivery a fresh signed POST.
import { BODY, hmacHex, NOW_MS, SECRET, T } from '@ledgerly/test-support/wire-cases'
import { memoryStore } from '@ledgerly/webhooks/idempotency'
import { describe, expect, it } from 'vitest'
import { withLedgerlyWebhook } from '../src/index.js'
import { serveFetch } from './support/node-bridge.js'

type Answer = () => Response | null | undefined

/** What a client sees of one answer. */
interface Seen {
  status: number
  location: string | null
  body: string
}

/** Serves a handler giving `answer` (counting its runs), POSTs the same signed delivery twice. */
async function deliverTwice(answer: Answer): Promise<{ seen: Seen[]; runs: number }> {
  let runs = 0
  const handle = withLedgerlyWebhook(
    () => {
      runs++
      return answer()
    },
    { secret: SECRET, now: () => NOW_MS, idempotency: { store: memoryStore(), leaseMs: 10_000 } },
  )
  const server = await serveFetch(handle)
  try {
    const seen: Seen[] = []
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${server.url}/webhooks`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-ledgerly-signature': `t=${T},v1=${hmacHex(BODY, T)}`,
        },
        body: BODY,
        redirect: 'manual',
      })
      seen.push({
        status: response.status,
        location: response.headers.get('location'),
        body: await response.text(),
      })
    }
    return { seen, runs }
  } finally {
    await server.close()
  }
}

const NOT_HANDLED: Array<[string, Answer]> = [
  ['422', () => Response.json({ error: 'unknown account' }, { status: 422 })],
  ['409', () => new Response('conflict', { status: 409 })],
  ['302', () => Response.redirect('http://127.0.0.1/elsewhere', 302)],
  ['404', () => new Response('no such entry', { status: 404 })],
  ['500 (control)', () => new Response('database down', { status: 500 })],
]

const HANDLED: Array<[string, Answer, number]> = [
  ['200', () => Response.json({ ok: true }), 200],
  ['204', () => new Response(null, { status: 204 }), 204],
  ['undefined (204)', () => undefined, 204],
  // null is nothing too: WebhookHandler's type allows it (this file does not type-check otherwise).
  ['null (204)', () => null, 204],
]

describe('withLedgerlyWebhook({ idempotency }) on a real node:http server', () => {
  it.each(NOT_HANDLED)(
    'handler answers %s → claim released: the second delivery runs it again and gets the same answer',
    async (_status, answer) => {
      const { seen, runs } = await deliverTwice(answer)
      const expected = answer() as Response
      const sent: Seen = {
        status: expected.status,
        location: expected.headers.get('location'),
        body: await expected.text(),
      }
      expect(seen).toEqual([sent, sent])
      expect(runs).toBe(2)
    },
  )

  it.each(HANDLED)(
    'handler answers %s → marked done: the second delivery is 200 duplicate, handler ran once',
    async (_answer, answer, status) => {
      const { seen, runs } = await deliverTwice(answer)
      expect(seen.map((response) => response.status)).toEqual([status, 200])
      expect(JSON.parse(seen[1]!.body)).toEqual({ outcome: 'duplicate' })
      expect(runs).toBe(1)
    },
  )
})

import type { AddressInfo } from 'node:net'
import { isWebhookVerificationError } from '@ledgerly/webhooks'
import { memoryStore } from '@ledgerly/webhooks/idempotency'
import { ledgerlyWebhook } from '@ledgerly/webhooks-express'
import express from 'express'
import { afterEach, describe, expect, it } from 'vitest'
import { createSignedDispatcher } from '../src/index.js'
import { entryPayload } from './helpers/server.js'

const secret = 'express-e2e-secret'
const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** An Express receiver behind @ledgerly/webhooks-express with exactly-once handling. */
async function expressReceiver(failFirst: number) {
  const handled: string[] = []
  const rejected: string[] = []
  let calls = 0
  const app = express()
  app.post(
    '/webhooks',
    ledgerlyWebhook({
      secret,
      idempotency: { store: memoryStore() },
      onError: (error) => {
        rejected.push(isWebhookVerificationError(error) ? error.code : 'OTHER')
      },
    }),
    (req, res) => {
      if (++calls <= failFirst) {
        res.sendStatus(500)
        return
      }
      handled.push(req.ledgerly!.id)
      res.sendStatus(204)
    },
  )
  const server = app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  cleanups.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(resolve)
      }),
  )
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`, handled, rejected }
}

describe('dispatcher → Express + @ledgerly/webhooks-express', () => {
  it('500, 500, then 204 → delivered on attempt 3, handled once; a re-dispatch → duplicate, not handled again', async () => {
    const receiver = await expressReceiver(2)
    const dispatcher = createSignedDispatcher({ url: receiver.url, secret, backoffScale: 0.001 })
    cleanups.push(() => dispatcher.close())
    const first = await dispatcher.enqueue(entryPayload('entry_express'), 'entry_persisted')
    await dispatcher.drained()
    const again = await dispatcher.enqueue(entryPayload('entry_express'), 'entry_persisted')
    await dispatcher.drained()
    expect(dispatcher.log.get(first)!.attempts.map((a) => a.status)).toEqual([500, 500, 204])
    expect(dispatcher.log.get(again)!.attempts.map((a) => a.status)).toEqual([200])
    expect(receiver.handled).toEqual(['entry_express'])
    expect(receiver.rejected).toEqual([])
  })

  it('legacy format and two-secret rotation → accepted by the middleware', async () => {
    const receiver = await expressReceiver(0)
    const legacy = createSignedDispatcher({ url: receiver.url, secret, format: 'legacy' })
    const rotating = createSignedDispatcher({ url: receiver.url, secret: ['brand-new-secret', secret] })
    cleanups.push(
      () => legacy.close(),
      () => rotating.close(),
    )
    await legacy.dispatch(entryPayload('entry_legacy'), 'entry_persisted')
    await rotating.dispatch(entryPayload('entry_rotated'), 'entry_persisted')
    await Promise.all([legacy.drained(), rotating.drained()])
    expect(receiver.handled.sort()).toEqual(['entry_legacy', 'entry_rotated'])
  })

  it('wrong secret → 401 SIGNATURE_MISMATCH, a permanent failure after 1 attempt', async () => {
    const receiver = await expressReceiver(0)
    const dispatcher = createSignedDispatcher({ url: receiver.url, secret: 'not-the-receivers-secret' })
    cleanups.push(() => dispatcher.close())
    const id = await dispatcher.enqueue(entryPayload('entry_forged'), 'entry_persisted')
    await dispatcher.drained()
    expect(dispatcher.log.get(id)!.attempts.map((a) => [a.status, a.outcome])).toEqual([[401, 'failed']])
    expect(receiver.rejected).toEqual(['SIGNATURE_MISMATCH'])
    expect(receiver.handled).toEqual([])
  })
})

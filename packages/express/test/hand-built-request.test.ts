// Serverless adapters (serverless-http and the like) build the IncomingMessage by hand: only `headers`
// is set, `headersDistinct` stays empty, and the body is pushed into the stream. The middleware must work
// on such a request as on one parsed from a socket.
import { IncomingMessage, ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import { expect, it } from 'vitest'
import { ledgerlyWebhook } from '../src/index.js'
import { clock, entryBody, SECRET, signedHeaders } from './helpers/signing.js'

function handBuilt(headers: Record<string, string>, body: string): IncomingMessage {
  const req = new IncomingMessage(new Socket())
  req.method = 'POST'
  req.url = '/webhooks'
  req.headers = headers
  req.push(body)
  req.push(null)
  return req
}

async function run(req: IncomingMessage) {
  // A ServerResponse without a socket buffers its output and never emits 'finish'; `writableEnded` says
  // that the middleware answered.
  const res = new ServerResponse(req)
  let nextCalled = false
  ledgerlyWebhook({ secret: SECRET, now: clock })(req, res, () => {
    nextCalled = true
  })
  await expect.poll(() => nextCalled || res.writableEnded).toBe(true)
  return { nextCalled, status: res.writableEnded ? res.statusCode : 0 }
}

it('hand-built request, signed → next() with req.ledgerly set', async () => {
  const body = entryBody('hand-built')
  const req = handBuilt(signedHeaders(body), body)
  expect(await run(req)).toEqual({ nextCalled: true, status: 0 })
  expect((req as { ledgerly?: { id: string } }).ledgerly?.id).toBe('hand-built')
})

it('hand-built request, forged → 401 answered, next() not called', async () => {
  const body = entryBody()
  const req = handBuilt(
    { ...signedHeaders(body), 'x-ledgerly-signature': `t=1700000000,v1=${'0'.repeat(64)}` },
    body,
  )
  expect(await run(req)).toEqual({ nextCalled: false, status: 401 })
})

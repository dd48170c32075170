// bad-inputs.md A–D through real Express 4 and 5 servers: each item gets its HTTP status and code, the
// handler never runs for a rejection, and the server keeps answering afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ledgerlyWebhook } from '../src/index.js'
import { type Answer, post, rawRequest } from './helpers/client.js'
import { EXPRESS_VERSIONS, listen, type RunningServer } from './helpers/servers.js'
import { clock, SECRET, signedHeaders } from './helpers/signing.js'
import { BODY_ROWS } from './tables/body-rows.js'
import { BODY, HEADER_ROWS, HEX, T } from './tables/header-rows.js'

function expectProblem(answer: Answer, status: number, code: string | undefined): void {
  expect(answer.status).toBe(status)
  if (code === undefined) return
  expect(answer.headers['content-type']).toBe('application/problem+json')
  expect(answer.json).toEqual({
    type: expect.stringContaining(code.toLowerCase().replaceAll('_', '-')),
    title: expect.any(String),
    status,
    code,
  })
}

describe.each(EXPRESS_VERSIONS)('$name', ({ express }) => {
  let server: RunningServer
  let handled = 0

  beforeAll(async () => {
    const app = express()
    app.post('/webhooks', ledgerlyWebhook({ secret: SECRET, now: clock }), (req, res) => {
      handled++
      res.json({ event: req.ledgerly?.event, id: req.ledgerly?.id })
    })
    server = await listen(app)
  })
  afterAll(() => server.close())

  it.each(HEADER_ROWS)('$name', async (row) => {
    const before = handled
    const answer = await post(server.port, {
      headers: [['content-type', 'application/json'], ...row.headers],
      body: row.body ?? BODY,
    })
    expectProblem(answer, row.status, row.code)
    expect(handled - before).toBe(row.status === 200 ? 1 : 0)
    if (row.status === 200) expect(answer.json).toEqual({ event: 'entry_persisted', id: 'entry-1' })
  })

  it.each(BODY_ROWS)('$name', async (row) => {
    const before = handled
    const answer = await post(server.port, { headers: signedHeaders(row.signed), body: row.sent })
    expectProblem(answer, row.status, row.code)
    expect(handled).toBe(before)
  })

  it.each([
    [
      'UTF-8 é inside the signature header → MALFORMED_SIGNATURE',
      Buffer.from(`t=${T},v1=${HEX},k=caf\u00e9`, 'utf8'),
    ],
    [
      'full-width digits in t → MALFORMED_SIGNATURE',
      Buffer.from(`t=\uff11\uff17\uff10\uff10\uff10\uff10\uff10\uff10\uff10\uff10,v1=${HEX}`, 'utf8'),
    ],
    [
      'Arabic-Indic digits in t → MALFORMED_SIGNATURE',
      Buffer.from(`t=\u0661\u0667\u0660\u0660\u0660\u0660\u0660\u0660\u0660\u0660,v1=${HEX}`, 'utf8'),
    ],
  ])('%s (raw bytes on the wire)', async (_name, header) => {
    const head = `POST /webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(BODY)}\r\nX-Ledgerly-Signature: `
    const bytes = Buffer.concat([Buffer.from(head, 'latin1'), header, Buffer.from(`\r\n\r\n${BODY}`, 'utf8')])
    expectProblem(await rawRequest(server.port, bytes), 400, 'MALFORMED_SIGNATURE')
  })

  it('every rejection above left the server up: a correct delivery → 200', async () => {
    const answer = await post(server.port, { headers: signedHeaders(BODY), body: BODY })
    expect(answer.status).toBe(200)
    expect(answer.json).toEqual({ event: 'entry_persisted', id: 'entry-1' })
  })
})

// express.raw() has a body limit of its own (100 KiB by default), applied before the middleware runs: the
// README's route 2 and body table say to raise it. These rows pin the behaviour those docs describe.
import { afterEach, describe, expect, it } from 'vitest'
import { ledgerlyWebhook } from '../src/index.js'
import { post } from './helpers/client.js'
import { EXPRESS_VERSIONS, type ExpressModule, listen, type RunningServer } from './helpers/servers.js'
import { clock, SECRET, signedHeaders } from './helpers/signing.js'

/** A signed-size webhook over express.raw()'s 100 KiB default and far under our 10 MiB default. */
const LARGE = JSON.stringify({ event: 'entry_persisted', data: { id: 'large-1', pad: 'x'.repeat(200_000) } })

type RawOptions = { type: string; limit?: string } | undefined

describe.each(EXPRESS_VERSIONS)('$name', ({ express: expressModule }) => {
  const express = expressModule as ExpressModule
  let server: RunningServer | undefined
  afterEach(async () => {
    await server?.close()
  })

  // [route, status, outcome, express.raw() options, maxBodyBytes]
  it.each<[string, number, string, RawOptions, number?]>([
    // body-parser answers through Express's error handler: HTML, not problem+json, and our middleware
    // (so onError too) never runs. Ledgerly drops a 4xx for good: the README's warning.
    ["express.raw({ type: '*/*' }) (100 KiB default)", 413, 'from body-parser', { type: '*/*' }],
    ["express.raw({ type: '*/*', limit: '10mb' })", 200, 'verified', { type: '*/*', limit: '10mb' }],
    [
      "express.raw({ type: '*/*', limit: '10mb' }) and maxBodyBytes 150 000",
      413,
      'PAYLOAD_TOO_LARGE',
      { type: '*/*', limit: '10mb' },
      150_000,
    ],
    ['no express.raw(): the middleware reads the body', 200, 'verified', undefined],
  ])('%s, 200 KB body → %i %s', async (_route, status, outcome, rawOptions, maxBodyBytes) => {
    const seen: unknown[] = []
    const verify = ledgerlyWebhook({
      secret: SECRET,
      now: clock,
      ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
      onError: (error) => void seen.push(error),
    })
    const app = express()
    const parsers = rawOptions === undefined ? [] : [express.raw(rawOptions)]
    app.post('/webhooks', ...parsers, verify, (req, res) => {
      res.json({ id: req.ledgerly!.id })
    })
    server = await listen(app)
    const answer = await post(server.port, { path: '/webhooks', headers: signedHeaders(LARGE), body: LARGE })
    expect(answer.status).toBe(status)
    if (status === 200) expect(answer.json).toEqual({ id: 'large-1' })
    else if (outcome === 'from body-parser') {
      expect(answer.headers['content-type']).toMatch(/^text\/html/)
      expect(seen).toEqual([])
    } else {
      expect(answer.json?.code).toBe(outcome)
      expect(seen).toHaveLength(1)
    }
  })
})

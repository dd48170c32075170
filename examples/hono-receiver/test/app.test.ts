import type { AddressInfo } from 'node:net'
import { type ServerType, serve } from '@hono/node-server'
import { signedHeaders } from '@ledgerly/webhooks/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../src/app.js'

const SECRET = 'example-hono-secret'
const BODY = JSON.stringify({
  event: 'entry_persisted',
  data: { id: 'entry_42', action: 'invoice.paid', severity: 'info' },
})

describe('examples/hono-receiver on a real server', () => {
  const entries: string[] = []
  let server: ServerType
  let url: string

  beforeAll(async () => {
    const app = createApp({ secret: SECRET, onEntry: (entry) => entries.push(entry.id) })
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve())
    })
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/ledgerly`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('signed request → 204 and the entry is handled', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: signedHeaders({ payload: BODY, secret: SECRET }),
      body: BODY,
    })
    expect(response.status).toBe(204)
    expect(entries).toEqual(['entry_42'])
  })

  it('forged request → 401 SIGNATURE_MISMATCH and nothing handled', async () => {
    const headers = signedHeaders({ payload: BODY, secret: 'an-attackers-guess' })
    const response = await fetch(url, { method: 'POST', headers, body: BODY })
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ code: 'SIGNATURE_MISMATCH' })
    expect(entries).toEqual(['entry_42'])
  })
})

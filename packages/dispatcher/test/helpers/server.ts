import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request as the test server saw it. */
export interface Received {
  headers: IncomingHttpHeaders
  /** Names and values as sent, repeats included. */
  rawHeaders: string[]
  body: Buffer
  /** performance.now() when the request arrived. */
  at: number
}

/** Decides the answer to the n-th request (0-based). */
export type Responder = (index: number, request: Received, response: ServerResponse) => void | Promise<void>

/** A real HTTP server on 127.0.0.1 (port 0) that records every request. */
export async function startServer(respond: Responder) {
  const received: Received[] = []
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const entry = {
      headers: request.headers,
      rawHeaders: request.rawHeaders,
      body: Buffer.concat(chunks),
      at: performance.now(),
    }
    received.push(entry)
    try {
      await respond(received.length - 1, entry, response)
    } catch {
      if (!response.headersSent) response.writeHead(500).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** Answers `statuses[i]` to the i-th request, then the last status again. */
export function statuses(...codes: number[]): Responder {
  return (index, _request, response) => {
    response.writeHead(codes[Math.min(index, codes.length - 1)]!).end('answer')
  }
}

/** A port nothing listens on: bind one, note it, close it. */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** A sample entry_persisted body. */
export function entryPayload(id = 'entry_1') {
  return {
    event: 'entry_persisted',
    data: {
      id,
      action: 'invoice.updated',
      actor: { type: 'user', id: 42, name: 'Ada' },
      target: { type: 'invoice', id: 'INV-1' },
      diff: { status: ['draft', 'sent'] },
      metadata: {},
      context: { tenant: 'acme' },
      severity: 'info',
      created_at: '2026-01-01T00:00:00.000Z',
    },
  }
}

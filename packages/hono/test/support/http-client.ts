import { request } from 'node:http'
import type { HeaderPairs } from '@ledgerly/test-support/wire-cases'

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** Node header object from pairs: a repeated name becomes an array, which Node sends as repeated lines. */
export function nodeHeaders(pairs: HeaderPairs): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [name, value] of pairs) {
    const key = name.toLowerCase()
    const previous = out[key]
    out[key] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value]
  }
  return out
}

/**
 * POSTs through a real socket. `body` is sent with Content-Length; `chunks` is sent chunked (no
 * Content-Length), respecting backpressure, and stops once the server answered or closed the socket —
 * what a real sender sees when a receiver refuses an upload early.
 */
export function post(
  url: string,
  headers: HeaderPairs,
  payload: { body: string | Uint8Array } | { chunks: Iterable<Uint8Array> },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = nodeHeaders(headers)
    let answered = false
    // A fresh connection per request (agent: false), like separate deliveries from a sender.
    const req = request(url, { method: 'POST', headers: outgoing, agent: false }, (res) => {
      answered = true
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        body += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      res.on('error', reject)
    })
    req.on('error', (error) => {
      if (!answered) reject(error)
    })
    if ('body' in payload) {
      req.end(payload.body)
      return
    }
    const iterator = payload.chunks[Symbol.iterator]()
    const pump = () => {
      for (;;) {
        if (answered || req.destroyed) return
        const next = iterator.next()
        if (next.done) {
          req.end()
          return
        }
        if (!req.write(next.value)) {
          req.once('drain', pump)
          return
        }
      }
    }
    pump()
  })
}

/** `count` chunks of `size` bytes, reusing one buffer so the client side allocates nothing per chunk. */
export function* repeatedChunks(count: number, size = 64 * 1024): Generator<Uint8Array> {
  const chunk = new Uint8Array(size).fill(0x20)
  for (let i = 0; i < count; i++) yield chunk
}

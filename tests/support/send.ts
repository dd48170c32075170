// A raw HTTP client for the differential test: headers go on the wire exactly as given (a repeated name is
// sent as repeated lines), the body with Content-Length or chunked, and a fresh connection per request, as
// separate deliveries from a sender.
import { request } from 'node:http'
import type { HeaderPairs } from '@ledgerly/test-support/wire-cases'

export interface Outgoing {
  method: string
  path: string
  headers: HeaderPairs
  /** Sent with Content-Length (unless `chunks`). */
  body?: string | Uint8Array
  /** Sent with Transfer-Encoding: chunked, one write per chunk (an empty list is an empty chunked body). */
  chunks?: readonly Uint8Array[]
  /** Aborting it destroys the connection, as a sender that timed out does. */
  signal?: AbortSignal
}

export interface Received {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

export function send(port: number, outgoing: Outgoing): Promise<Received> {
  return new Promise((resolve, reject) => {
    let answered = false
    const req = request({
      host: '127.0.0.1',
      port,
      method: outgoing.method,
      path: outgoing.path,
      agent: false,
      ...(outgoing.signal ? { signal: outgoing.signal } : {}),
    })
    const grouped = new Map<string, string[]>()
    for (const [name, value] of outgoing.headers) grouped.set(name, [...(grouped.get(name) ?? []), value])
    for (const [name, values] of grouped) req.setHeader(name, values.length === 1 ? values[0]! : values)
    req.on('response', (res) => {
      answered = true
      const parts: Buffer[] = []
      res.on('data', (chunk: Buffer) => parts.push(chunk))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString() }),
      )
      res.on('error', reject)
    })
    // A server that answers early (413, 403) and closes may cut the rest of the upload: not an error once
    // the answer is in.
    req.on('error', (error) => {
      if (!answered) reject(error)
    })
    if (outgoing.chunks) {
      req.setHeader('transfer-encoding', 'chunked')
      for (const chunk of outgoing.chunks) req.write(chunk)
      req.end()
      return
    }
    const body = outgoing.body ?? ''
    if (body.length > 0 || (outgoing.method !== 'GET' && outgoing.method !== 'HEAD'))
      req.setHeader('content-length', Buffer.byteLength(body))
    req.end(body)
  })
}

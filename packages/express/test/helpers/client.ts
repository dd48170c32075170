import { request } from 'node:http'
import { connect, type Socket } from 'node:net'

export interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  /** The parsed body when it is JSON, else undefined. */
  json: { code?: string; status?: number; type?: string; title?: string; [key: string]: unknown } | undefined
}

export interface PostOptions {
  path?: string
  /** A record, or [name, value] pairs to send a header more than once. */
  headers?: Record<string, string> | ReadonlyArray<readonly [string, string]>
  body?: string | Uint8Array
  /** Send the body with Transfer-Encoding: chunked (no Content-Length). */
  chunked?: boolean
}

function toAnswer(status: number, headers: Answer['headers'], text: string): Answer {
  let json: Answer['json']
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status, headers, text, json }
}

/** Where a request goes: a port on 127.0.0.1, another host's port, or a Unix socket. */
export type Target = number | { host: string; port: number } | { socketPath: string }

function whereTo(target: Target): { host: string; port: number } | { socketPath: string } {
  return typeof target === 'number' ? { host: '127.0.0.1', port: target } : target
}

/** POSTs through node:http, so headers go on the wire exactly as given (repeats included). */
export function post(target: Target, options: PostOptions = {}): Promise<Answer> {
  const body = options.body ?? ''
  const pairs: [string, string][] = Array.isArray(options.headers)
    ? options.headers.map(([name, value]) => [name, value])
    : Object.entries(options.headers ?? {})
  return new Promise(function send(resolve, reject) {
    const req = request({
      ...whereTo(target),
      method: 'POST',
      path: options.path ?? '/webhooks',
      agent: false,
    })
    const grouped = new Map<string, string[]>()
    for (const [name, value] of pairs) grouped.set(name, [...(grouped.get(name) ?? []), value])
    for (const [name, values] of grouped) req.setHeader(name, values.length === 1 ? values[0]! : values)
    if (!options.chunked) req.setHeader('content-length', Buffer.byteLength(body))
    req.on('error', reject)
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        resolve(toAnswer(res.statusCode ?? 0, res.headers, Buffer.concat(chunks).toString('utf8'))),
      )
      res.on('error', reject)
    })
    req.end(body)
  })
}

/**
 * Sends raw bytes on a TCP socket and returns the raw answer, for header bytes node:http refuses to send.
 * The bytes should carry `Connection: close`; the socket is not half-closed, because Node's server drops a
 * request whose client half-closes before the answer.
 */
export function rawRequest(port: number, bytes: Uint8Array): Promise<Answer> {
  return new Promise(function send(resolve, reject) {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1')
      const [head = '', ...rest] = text.split('\r\n\r\n')
      const [statusLine = '', ...lines] = head.split('\r\n')
      const headers: Record<string, string> = {}
      for (const line of lines) {
        const colon = line.indexOf(':')
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
      }
      resolve(toAnswer(Number(statusLine.split(' ')[1]), headers, rest.join('\r\n\r\n')))
    })
    socket.write(bytes)
  })
}

/** Opens a bare connection to `target`, for a test that writes raw bytes and then hangs up. */
export function openConnection(target: Target): Socket {
  const where = whereTo(target)
  return 'socketPath' in where ? connect({ path: where.socketPath }) : connect(where.port, where.host)
}

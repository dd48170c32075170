import { connect } from 'node:net'

/** What a raw upload saw: the answer's status code (0 when none arrived), its text, and the socket error. */
export interface UploadOutcome {
  status: number
  text: string
  /** `EPIPE`, `ECONNRESET`… when the socket failed; undefined when it closed cleanly. */
  error?: string
}

const CHUNK = Buffer.alloc(16 * 1024, 0x20)

/**
 * Uploads `totalBytes` over a raw socket and resolves with the answer. With `contentLength` the body is
 * sent with a `Content-Length` header, else chunked. Unlike Node's http client it keeps reading after a
 * write fails, so a server that answers and then closes mid-upload is still seen answering — unless the
 * connection is reset, which loses the answer (`status` 0, `error` `ECONNRESET`).
 */
function upload(
  url: string,
  headers: Record<string, string>,
  totalBytes: number,
  contentLength: boolean,
): Promise<UploadOutcome> {
  const { hostname, port, pathname } = new URL(url)
  const framed = contentLength
    ? CHUNK
    : Buffer.concat([Buffer.from(`${CHUNK.length.toString(16)}\r\n`), CHUNK, Buffer.from('\r\n')])
  const framing = contentLength ? `content-length: ${totalBytes}` : 'transfer-encoding: chunked'
  return new Promise(function exchange(resolve) {
    const socket = connect(Number(port), hostname)
    let received = ''
    let error: string | undefined
    let sent = 0
    socket.setEncoding('latin1')
    socket.on('data', function onData(data: string) {
      received += data
      // One answer is all we need; end our side once its headers and some body are in.
      if (/\r\n\r\n[\s\S]+/.test(received)) socket.destroy()
    })
    socket.on('error', function onError(cause: NodeJS.ErrnoException) {
      error ??= cause.code ?? cause.message
    })
    socket.on('close', function finish() {
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(received)
      resolve({ status: status ? Number(status[1]) : 0, text: received, ...(error ? { error } : {}) })
    })
    socket.on('connect', function sendRequest() {
      const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`)
      socket.write(
        `POST ${pathname} HTTP/1.1\r\nhost: ${hostname}:${port}\r\n${framing}\r\n${head.join('')}\r\n`,
      )
      function pump(): void {
        while (sent < totalBytes && !socket.destroyed) {
          const size = Math.min(CHUNK.length, totalBytes - sent)
          sent += size
          const frame = contentLength && size < CHUNK.length ? CHUNK.subarray(0, size) : framed
          if (!socket.write(frame)) return void socket.once('drain', pump)
        }
        if (!socket.destroyed && !contentLength) socket.write('0\r\n\r\n')
      }
      pump()
    })
  })
}

/**
 * Uploads `totalBytes` as a chunked body over a raw socket and returns the status line's code (0 when the
 * server closed without answering). Unlike Node's http client it keeps reading after a write fails, so a
 * server that answers 413 and then closes the connection mid-upload (workerd, Bun) is seen answering.
 */
export function chunkedUpload(
  url: string,
  headers: Record<string, string>,
  totalBytes: number,
): Promise<UploadOutcome> {
  return upload(url, headers, totalBytes, false)
}

/** Uploads `totalBytes` over a raw socket with a correct `Content-Length`; see {@link chunkedUpload}. */
export function sizedUpload(
  url: string,
  headers: Record<string, string>,
  totalBytes: number,
): Promise<UploadOutcome> {
  return upload(url, headers, totalBytes, true)
}

/**
 * POSTs a body of `totalBytes` spaces (or the given text) with a correct `Content-Length` through Node's
 * `fetch` (undici, the HTTP client the dispatcher uses, on its shared keep-alive pool), and resolves with
 * the status, or with the network error's code when no answer came.
 */
export async function fetchUpload(
  url: string,
  headers: Record<string, string>,
  body: number | string,
): Promise<UploadOutcome> {
  try {
    const bytes = typeof body === 'number' ? new Uint8Array(body).fill(0x20) : body
    const response = await fetch(url, { method: 'POST', headers, body: bytes })
    return { status: response.status, text: await response.text() }
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause
    return { status: 0, text: '', error: cause?.code ?? cause?.message ?? String(error) }
  }
}

/**
 * Starts an upload over a raw socket and walks away mid-body: sends the head (`Content-Length: declared`,
 * or chunked), `sent` bytes of body, then closes the socket after `closeAfterMs`. Resolves once closed.
 */
export function abandonedUpload(
  url: string,
  headers: Record<string, string>,
  { declared, sent, closeAfterMs = 100 }: { declared?: number; sent: number; closeAfterMs?: number },
): Promise<void> {
  const { hostname, port, pathname } = new URL(url)
  const framing = declared === undefined ? 'transfer-encoding: chunked' : `content-length: ${declared}`
  const part = Buffer.alloc(sent, 0x20)
  const body =
    declared === undefined
      ? Buffer.concat([Buffer.from(`${sent.toString(16)}\r\n`), part, Buffer.from('\r\n')])
      : part
  return new Promise(function walkAway(resolve) {
    const socket = connect(Number(port), hostname)
    socket.on('error', function ignore() {})
    socket.on('close', () => resolve())
    socket.on('connect', function sendPart() {
      const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`)
      socket.write(
        `POST ${pathname} HTTP/1.1\r\nhost: ${hostname}:${port}\r\n${framing}\r\n${head.join('')}\r\n`,
      )
      socket.write(body)
      setTimeout(() => socket.destroy(), closeAfterMs)
    })
  })
}

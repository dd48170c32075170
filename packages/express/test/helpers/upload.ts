import { request } from 'node:http'

export interface UploadResult {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  /** Body bytes written before the answer's headers arrived. */
  sentBeforeAnswer: number
  /** Settles when the connection is gone (the server closed it, or the client stopped). */
  closed: Promise<void>
}

export interface UploadOptions {
  path?: string
  headers?: Record<string, string>
  /** How many body bytes to send in all (`Infinity`: until the server closes the connection). */
  total: number
  /** The bytes to repeat; the last write is cut to `total`. Default 64 KiB of "a". */
  chunk?: Buffer
  /** Set Content-Length: total (a declared size) instead of chunked encoding. */
  declareLength?: boolean
  /** Keep sending after the answer arrived (a client that does not read answers early). */
  ignoreEarlyAnswer?: boolean
}

/**
 * Streams a large body with backpressure and resolves with the answer. Unless `ignoreEarlyAnswer`, it
 * stops sending as soon as an answer arrives, like an HTTP client that reads while it uploads.
 */
export function upload(port: number, options: UploadOptions): Promise<UploadResult> {
  const chunk = options.chunk ?? Buffer.alloc(64 * 1024, 0x61)
  return new Promise(function send(resolve, reject) {
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: options.path ?? '/webhooks',
      headers: options.headers,
    })
    if (options.declareLength) req.setHeader('content-length', options.total)
    let sent = 0
    let answered = false
    const closed = new Promise<void>((done) => req.once('close', () => done()))
    req.on('error', (error) => {
      // After the answer, a reset while still uploading is the server cutting an upload it refused.
      if (!answered) reject(error)
    })
    req.on('response', (res) => {
      answered = true
      const sentBeforeAnswer = sent
      const parts: Buffer[] = []
      res.on('data', (part: Buffer) => parts.push(part))
      res.on('error', reject)
      res.on('end', () => {
        // The answer is complete; stop uploading (the server drains or closes the rest).
        if (!req.writableEnded && !options.ignoreEarlyAnswer) req.destroy()
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(parts).toString('utf8'),
          sentBeforeAnswer,
          closed,
        })
      })
    })
    function pump(): void {
      while (sent < options.total) {
        if (answered && !options.ignoreEarlyAnswer) return
        if (req.destroyed) return
        const piece = options.total - sent < chunk.length ? chunk.subarray(0, options.total - sent) : chunk
        sent += piece.length
        if (!req.write(piece)) {
          req.once('drain', pump)
          return
        }
      }
      req.end()
    }
    pump()
  })
}

import { createServer, type IncomingMessage } from 'node:http'
import { createVerifier, DEFAULT_MAX_PAYLOAD_BYTES, isWebhookVerificationError } from '@ledgerly/webhooks'
import { checked, flags, integerFlag, secretFlag, UsageError } from '../args.js'

/** Reads the body up to `max` bytes; undefined when it is larger (the caller answers 413). */
async function readBody(request: IncomingMessage, max: number): Promise<Uint8Array | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > max) return undefined
    chunks.push(chunk)
  }
  return new Uint8Array(Buffer.concat(chunks))
}

/**
 * `ledgerly-webhooks listen --port P --secret S`: a local verifying receiver. Prints each event (and each
 * rejection with its code), answers with the statuses of GUIDE §2, and reports duplicates by event + id.
 */
export async function listenCommand(argv: string[]): Promise<number> {
  const values = flags(argv, {
    port: { type: 'string', default: '3000' },
    host: { type: 'string', default: '127.0.0.1' },
    secret: { type: 'string', multiple: true },
    tolerance: { type: 'string' },
  })
  const secret = secretFlag(values.secret)
  const port = integerFlag(values.port, 3000, 'port', 0)
  if (port > 65_535) throw new UsageError(`--port must be 0 to 65535, got "${values.port}"`)
  const tolerance = integerFlag(values.tolerance, 300, 'tolerance', 0)
  const verifier = checked(() => createVerifier({ secret, tolerance }))
  const seen = new Set<string>()
  const say = (text: string) => process.stdout.write(`${text}\n`)

  const server = createServer(async function receive(request, response) {
    try {
      const payload = await readBody(request, DEFAULT_MAX_PAYLOAD_BYTES)
      if (!payload) {
        say('✘ PAYLOAD_TOO_LARGE')
        response.writeHead(413).end('PAYLOAD_TOO_LARGE')
        return
      }
      const webhook = await verifier.verify({ payload, headers: request.headers })
      const key = `${webhook.event}:${webhook.id}`
      const duplicate = seen.has(key)
      seen.add(key)
      const attempt = request.headers['x-ledgerly-attempt'] ?? '?'
      say(`✔ ${webhook.event} id=${webhook.id} attempt=${attempt}${duplicate ? ' (duplicate, ignored)' : ''}`)
      response.writeHead(200, { 'content-type': 'text/plain' }).end(duplicate ? 'duplicate' : 'ok')
    } catch (error) {
      const code = isWebhookVerificationError(error) ? error.code : 'INTERNAL_ERROR'
      const status = isWebhookVerificationError(error) ? error.status : 500
      say(`✘ ${code} (HTTP ${status})`)
      if (!response.headersSent) response.writeHead(status, { 'content-type': 'text/plain' }).end(code)
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, values.host, resolve)
  })
  const address = server.address()
  const actualPort = typeof address === 'object' && address ? address.port : port
  // Handlers before the ready line: a supervisor may signal as soon as it reads it.
  const stopped = new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve())
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  say(`listening on http://${values.host}:${actualPort}/ (Ctrl-C to stop)`)
  await stopped
  return 0
}

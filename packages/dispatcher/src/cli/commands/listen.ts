import { createServer, type IncomingMessage, type Server } from 'node:http'
import {
  createVerifier,
  DEFAULT_MAX_PAYLOAD_BYTES,
  DEFAULT_TOLERANCE_SECONDS,
  isWebhookVerificationError,
} from '@ledgerly/webhooks'
import { flags, integerFlag, secretFlag } from '../args.js'
import { type Command, secretSpec } from '../command.js'
import { Failure, isOperational } from '../errors.js'
import { checked } from '../library-messages.js'
import { reportError } from '../report.js'

const FLAGS = {
  port: { type: 'string', value: 'PORT', help: 'port to listen on; 0 picks a free one', default: '3000' },
  host: { type: 'string', value: 'HOST', help: 'address to bind; 0.0.0.0 for all', default: '127.0.0.1' },
  secret: secretSpec(true),
  tolerance: {
    type: 'string',
    value: 'SECONDS',
    help: 'largest accepted age of a signature',
    default: String(DEFAULT_TOLERANCE_SECONDS),
  },
} as const

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

/** Why the server could not start, in terms of the flags that chose the address. */
function listenFailure(error: NodeJS.ErrnoException, host: string, port: number): Error {
  switch (error.code) {
    case 'EADDRINUSE':
      return new Failure(
        `--port ${port} is already in use on ${host}; pick another (--port 0 picks a free one)`,
      )
    case 'EACCES':
      return new Failure(`no permission to listen on --port ${port} (ports below 1024 usually need root)`)
    case 'EADDRNOTAVAIL':
      return new Failure(`--host ${host} is not an address of this machine`)
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new Failure(`--host ${host} does not resolve to an address (${error.code})`)
    default:
      return error
  }
}

/** How long requests still open when `listen` is told to stop may take to finish. */
const STOP_GRACE_MS = 1_000

/**
 * Stops the server: idle keep-alive connections close now, requests under way get {@link STOP_GRACE_MS},
 * then their connections are cut, so a client that holds a request open cannot keep the process alive.
 */
function stopServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve())
    server.closeIdleConnections()
    setTimeout(function endTheRest() {
      server.closeAllConnections()
    }, STOP_GRACE_MS).unref()
  })
}

function startListening(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(listenFailure(error, host, port)))
    server.listen(port, host, resolve)
  })
}

/**
 * `ledgerly-webhooks listen --port P --secret S`: a local verifying receiver. Prints each event (and each
 * rejection with its code), answers with the statuses of GUIDE §2, and reports duplicates by event + id.
 */
async function listenCommand(argv: string[]): Promise<number> {
  const values = flags(argv, FLAGS)
  const secret = secretFlag(values.secret)
  const port = integerFlag(values.port, 'port', 0, 65_535)
  const tolerance = integerFlag(values.tolerance, 'tolerance', 0)
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
      // A client that hangs up mid-body is not news; anything else unexpected is a bug here: show its stack.
      if (!isWebhookVerificationError(error) && !isOperational(error)) reportError(error, 'listen')
      const code = isWebhookVerificationError(error) ? error.code : 'INTERNAL_ERROR'
      const status = isWebhookVerificationError(error) ? error.status : 500
      say(`✘ ${code} (HTTP ${status})`)
      if (!response.headersSent) response.writeHead(status, { 'content-type': 'text/plain' }).end(code)
    }
  })
  await startListening(server, port, values.host)
  const address = server.address()
  const actualPort = typeof address === 'object' && address ? address.port : port
  // Handlers before the ready line: a supervisor may signal as soon as it reads it.
  const stopped = new Promise<void>((resolve) => {
    const stop = () => void stopServer(server).then(resolve)
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  say(`listening on http://${values.host}:${actualPort}/ (Ctrl-C to stop)`)
  await stopped
  return 0
}

export const listen: Command = {
  name: 'listen',
  summary: `a local verifying receiver that prints each event (port ${FLAGS.port.default} by default)`,
  usage: 'listen [flags]',
  description: [
    'Runs a local receiver that verifies each request and prints each event, or the code it was refused',
    'with. Duplicates (same event + id) are flagged. It answers like a real receiver: 200 (also for a',
    `duplicate), 400/401 for a bad request or signature, 413 above ${DEFAULT_MAX_PAYLOAD_BYTES / 1024 / 1024} MiB. Stop it with Ctrl-C.`,
  ].join('\n'),
  flags: FLAGS,
  examples: [
    'ledgerly-webhooks listen',
    'ledgerly-webhooks listen --port 8080 --host 0.0.0.0 --tolerance 600',
  ],
  exits: '0 stopped by Ctrl-C or SIGTERM, 1 could not listen (e.g. port in use), 2 usage error.',
  run: listenCommand,
}

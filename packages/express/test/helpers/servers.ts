import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import express5 from 'express'
import express4 from 'express4'

/** Both Express majors the adapter supports; every server test runs against each. */
export const EXPRESS_VERSIONS = [
  { name: 'Express 4', express: express4, major: 4 },
  { name: 'Express 5', express: express5, major: 5 },
] as const

export type ExpressModule = typeof express5

export interface RunningServer {
  port: number
  url: string
  server: Server
  close(): Promise<void>
}

function closer(server: Server, after: () => void = () => undefined): () => Promise<void> {
  return () =>
    new Promise<void>((done) => {
      server.closeAllConnections()
      server.close(() => {
        after()
        done()
      })
    })
}

/**
 * Starts an app with an OS-chosen port on `host`: 127.0.0.1 by default, `'::1'` for IPv6, `'::'` for a
 * dual-stack server whose IPv4 clients arrive as IPv4-mapped IPv6 peers (`::ffff:127.0.0.1`).
 */
export function listen(app: (req: never, res: never) => void, host = '127.0.0.1'): Promise<RunningServer> {
  const server = createServer(app as Parameters<typeof createServer>[1])
  return new Promise(function started(resolve, reject) {
    server.once('error', reject)
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo
      resolve({
        port,
        url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
        server,
        close: closer(server),
      })
    })
  })
}

export interface RunningUnixServer {
  socketPath: string
  server: Server
  close(): Promise<void>
}

/**
 * Starts an app on a Unix domain socket in a fresh temporary directory (removed on close), as an app
 * behind nginx's `proxy_pass http://unix:…` runs: Node gives its requests no `req.socket.remoteAddress`.
 */
export function listenOnUnixSocket(app: (req: never, res: never) => void): Promise<RunningUnixServer> {
  const dir = mkdtempSync(join(tmpdir(), 'ledgerly-express-'))
  const socketPath = join(dir, 'app.sock')
  const server = createServer(app as Parameters<typeof createServer>[1])
  return new Promise(function started(resolve, reject) {
    server.once('error', reject)
    server.listen(socketPath, () => {
      resolve({
        socketPath,
        server,
        close: closer(server, () => rmSync(dir, { recursive: true, force: true })),
      })
    })
  })
}

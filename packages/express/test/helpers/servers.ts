import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
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

/** Starts an app on 127.0.0.1 with an OS-chosen port. */
export function listen(app: (req: never, res: never) => void): Promise<RunningServer> {
  const server = createServer(app as Parameters<typeof createServer>[1])
  return new Promise(function started(resolve, reject) {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({
        port,
        url: `http://127.0.0.1:${port}`,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections()
            server.close(() => done())
          }),
      })
    })
  })
}

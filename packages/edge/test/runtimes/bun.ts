// Bun.serve on an ephemeral loopback port; prints the port for the test to read.
import { handle } from './handler.js'

declare const Bun: {
  serve(options: {
    hostname: string
    port: number
    fetch: (request: Request, server: unknown) => Promise<Response>
  }): {
    port: number
  }
}

const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: handle })
console.log(`LISTENING ${server.port}`)

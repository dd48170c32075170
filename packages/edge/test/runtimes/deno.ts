// Deno.serve on an ephemeral loopback port; prints the port for the test to read.
import { handle } from './handler.js'

declare const Deno: {
  serve(
    options: { hostname: string; port: number; onListen(address: { port: number }): void },
    handler: (request: Request, info: unknown) => Promise<Response>,
  ): unknown
}

Deno.serve(
  {
    hostname: '127.0.0.1',
    port: 0,
    onListen({ port }) {
      console.log(`LISTENING ${port}`)
    },
  },
  handle,
)

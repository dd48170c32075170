import type { Context } from 'hono'

interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } }
  server?: NodeBindings
}
interface BunServer {
  requestIP?: (request: Request) => { address?: string } | null
}
interface DenoInfo {
  remoteAddr?: { hostname?: string }
}

/**
 * The TCP peer's address on the runtimes that expose it through `c.env`: `@hono/node-server`
 * (`env.incoming`), Bun (`env.requestIP`) and Deno (`env.remoteAddr`). `undefined` elsewhere — on
 * Cloudflare Workers pass `getClientIp: (c) => c.req.header('cf-connecting-ip')`.
 */
export function socketAddress(c: Context): string | undefined {
  const env: unknown = c.env
  if (typeof env !== 'object' || env === null) return undefined
  const node = (env as NodeBindings).server ?? (env as NodeBindings)
  const fromNode = node.incoming?.socket?.remoteAddress
  if (typeof fromNode === 'string') return fromNode
  const bun = env as BunServer
  if (typeof bun.requestIP === 'function') {
    const address = bun.requestIP(c.req.raw)?.address
    if (typeof address === 'string') return address
  }
  const fromDeno = (env as DenoInfo).remoteAddr?.hostname
  return typeof fromDeno === 'string' ? fromDeno : undefined
}

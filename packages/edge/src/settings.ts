import { type AdapterOptions, type AdapterSettings, validateAdapterOptions } from '@ledgerly/webhooks/http'

/** Options of {@link verifyRequest} and {@link withLedgerlyWebhook}. */
export interface EdgeWebhookOptions extends AdapterOptions {
  /**
   * The TCP peer's address, for `allowedIps`; receives the request and the runtime's extra handler
   * arguments. Default: Deno's `info.remoteAddr` and Bun's `server.requestIP()`; elsewhere none, so set
   * it — on Cloudflare Workers `(request) => request.headers.get('cf-connecting-ip')`. No address
   * (`undefined`, `null`, `''`) with `allowedIps` set and `trustProxy` off is answered 500, not 403: it
   * is this configuration, not the sender.
   */
  getClientIp?: ClientIpGetter
}

/** How {@link EdgeWebhookOptions.getClientIp} finds the peer's address. */
type ClientIpGetter = (request: Request, ...rest: unknown[]) => string | null | undefined

export interface EdgeSettings extends AdapterSettings {
  getClientIp: ClientIpGetter
}

interface DenoInfo {
  remoteAddr?: { hostname?: unknown }
}
interface BunServer {
  requestIP?: (request: Request) => { address?: unknown } | null
}

/** Deno passes `info` and Bun passes the server as the handler's second argument. */
function runtimeClientIp(request: Request, ...rest: unknown[]): string | undefined {
  const second = rest[0]
  if (typeof second !== 'object' || second === null) return undefined
  const fromDeno = (second as DenoInfo).remoteAddr?.hostname
  if (typeof fromDeno === 'string') return fromDeno
  const bun = second as BunServer
  if (typeof bun.requestIP !== 'function') return undefined
  const address = bun.requestIP(request)?.address
  return typeof address === 'string' ? address : undefined
}

// Keyed by the options object, so `verifyRequest(request, options)` with a module-level options object
// validates and imports keys once, not per request.
const cache = new WeakMap<object, EdgeSettings>()

/** Validates options once per options object. Throws `TypeError`/`RangeError` naming the bad option. */
export function settingsFor(options: EdgeWebhookOptions, caller: string): EdgeSettings {
  const known = typeof options === 'object' && options !== null ? cache.get(options) : undefined
  if (known) return known
  const settings = validateAdapterOptions(options, caller)
  const getClientIp = options.getClientIp ?? runtimeClientIp
  if (typeof getClientIp !== 'function') throw new TypeError(`${caller}: "getClientIp" must be a function`)
  const edge: EdgeSettings = { ...settings, getClientIp }
  cache.set(options, edge)
  return edge
}

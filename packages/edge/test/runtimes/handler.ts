// The handlers every runtime test serves, bundled by esbuild with the secret injected at build time.
// `/webhooks` verifies; the other routes (`/webhooks/<route>`) are listed in ROUTES.
import { cryptoBackend, type LedgerlyEvents, type VerifiedWebhook } from '@ledgerly/webhooks'
import { problemFor } from '@ledgerly/webhooks/http'
import { type EdgeWebhookOptions, withLedgerlyWebhook } from '../../src/index.js'

declare const __LEDGERLY_SECRET__: string

const options: EdgeWebhookOptions = { secret: __LEDGERLY_SECRET__, maxBodyBytes: 64 * 1024 }

function answer(webhook: VerifiedWebhook): Response {
  return Response.json({ id: webhook.id, event: webhook.event, backend: cryptoBackend })
}

/**
 * The handler gets the runtime's own request (identity: Bun's server.requestIP and Workers' request.cf key on
 * it) and finds the verified bytes in webhook.raw.
 */
function sameRequest(): FetchHandler {
  return function sameRequestRoute(received, ...runtimeArgs) {
    const server = runtimeArgs[0] as { requestIP?: (request: Request) => unknown } | undefined
    return withLedgerlyWebhook<LedgerlyEvents, unknown[]>(
      (webhook: VerifiedWebhook, request: Request) =>
        Response.json({
          same: request === received,
          raw: new TextDecoder().decode(webhook.raw),
          cf: typeof (request as { cf?: unknown }).cf,
          // Bun only: the address of the request it created; null for any other Request object.
          requestIP: typeof server?.requestIP === 'function' ? server.requestIP(request) !== null : 'n/a',
        }),
      options,
    )(received, ...runtimeArgs)
  }
}

type FetchHandler = (request: Request, ...runtimeArgs: unknown[]) => Promise<Response>

const verified: FetchHandler = withLedgerlyWebhook(answer, options)

/** Logs the status the adapter answered with, for tests of requests whose sender is gone before it. */
function logged(handle: FetchHandler): FetchHandler {
  return async function loggedRoute(request, ...runtimeArgs) {
    const response = await handle(request, ...runtimeArgs)
    console.log(`ANSWERED ${response.status}`)
    return response
  }
}

const ROUTES: Record<string, FetchHandler> = {
  // Refuses every source with 403: the address is known (getClientIp) and outside the list.
  allowlisted: withLedgerlyWebhook(answer, {
    ...options,
    allowedIps: ['10.0.0.0/8'],
    getClientIp: () => '127.0.0.1',
  }),
  // `allowedIps` with the runtime's own address only: Deno and Bun give one (127.0.0.1, refused), workerd
  // and a bare node:http bridge give none (the receiver's configuration: 500).
  'runtime-address': withLedgerlyWebhook(answer, { ...options, allowedIps: ['10.0.0.0/8'] }),
  // A handler returning problemFor()'s `{ status, headers, body }` instead of a Response.
  'not-a-response': withLedgerlyWebhook(() => problemFor(new Error('db down')) as never, options),
  'same-request': sameRequest(),
  logged: logged(verified),
}

export function handle(request: Request, ...runtimeArgs: unknown[]): Promise<Response> {
  const { pathname } = new URL(request.url)
  const route = ROUTES[pathname.slice('/webhooks/'.length)] ?? verified
  return route(request, ...runtimeArgs)
}

import { createVerifier, sign } from '../../src/index.js'
import type { VerifiedWebhook } from '../../src/types.js'

export const SECRET = 'ledgerly-idempotency-secret'
export const T = 1_700_000_000

export function entryBody(id: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ event: 'entry_persisted', data: { id, action: 'invoice.updated', ...extra } })
}

const verifier = createVerifier({ secret: SECRET, now: () => (T + 30) * 1000 })

/**
 * One delivery as the sender makes it: freshly signed at `timestamp` (each attempt re-signs), with the
 * unsigned informational headers the sender adds, then verified for real.
 */
export async function deliver(
  body: string,
  options: { timestamp?: number; delivery?: string; extraHeaders?: Record<string, string> } = {},
): Promise<{ webhook: VerifiedWebhook; headers: Record<string, string> }> {
  const signed = await sign(body, { secret: SECRET, timestamp: options.timestamp ?? T })
  const headers = {
    ...signed,
    'x-ledgerly-event': 'entry_persisted',
    'x-ledgerly-delivery': options.delivery ?? 'delivery-1',
    'x-ledgerly-attempt': '1',
    ...options.extraHeaders,
  }
  return { webhook: await verifier.verify({ payload: body, headers }), headers }
}

/** Verifies the exact same request again (headers and body as captured). */
export function replay(body: string, headers: Record<string, string>): Promise<VerifiedWebhook> {
  return verifier.verify({ payload: body, headers })
}

/** A promise and its resolver, to hold a handler open while other deliveries arrive. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { opened, open }
}

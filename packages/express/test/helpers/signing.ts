import { signSync } from '@ledgerly/webhooks'

export const SECRET = 'test-secret-for-the-express-adapter'
/** The receiver's clock in these tests (unix seconds); verifiers get `now: () => NOW * 1000`. */
export const NOW = 1_700_000_000
export const TOLERANCE = 300
export const clock = () => NOW * 1000

/** A realistic `entry_persisted` body, exactly as a sender would put it on the wire. */
export function entryBody(id = 'entry-1'): string {
  return JSON.stringify({
    event: 'entry_persisted',
    data: {
      id,
      action: 'invoice.paid',
      actor: null,
      target: null,
      diff: null,
      metadata: null,
      context: null,
      severity: 'info',
      created_at: '2023-11-14T22:13:20Z',
    },
  })
}

/** The lowercase hex HMAC of `T.body` under {@link SECRET}, and the compound header carrying it. */
export function signature(body: string | Uint8Array, timestamp = NOW): { hex: string; header: string } {
  const header = signSync(body, { secret: SECRET, timestamp })['x-ledgerly-signature']!
  const hex = /v1=([0-9a-f]{64})/.exec(header)![1]!
  return { hex, header }
}

/** The headers a correct delivery carries. */
export function signedHeaders(body: string | Uint8Array, timestamp = NOW): Record<string, string> {
  return { 'content-type': 'application/json', ...signSync(body, { secret: SECRET, timestamp }) }
}

// The headers a receiver sees on one Ledgerly delivery: the transport headers any HTTP request carries,
// Ledgerly's own, then the signed ones. Runtime-neutral (no `node:` import, no Buffer), so Node-only and
// web-runtime benchmarks build the same request from it.

/** The request headers for `body` (bytes), with `signed` (our signer's output) spread last. */
export function requestHeaders(body, signed) {
  return {
    host: 'receiver.example',
    'user-agent': 'Ledgerly-Webhooks/1.0',
    'content-type': 'application/json',
    'content-length': String(body.length),
    'accept-encoding': 'gzip',
    'x-ledgerly-event': 'entry_persisted',
    'x-ledgerly-delivery': 'dlv_01J9ZK3Q8R',
    'x-ledgerly-attempt': '1',
    ...signed,
  }
}

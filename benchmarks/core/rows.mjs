// Which functions are timed, in which order, and what each is compared with.
import { readFileSync } from 'node:fs'

/** Peers that, like our `verify`, return the parsed event. */
const NODE_FULL_PEERS = ['stripe-construct', 'octokit-parse', 'standardwebhooks']
const WEB_FULL_PEERS = ['stripe-subtle-construct', 'octokit-web-parse', 'standardwebhooks']
/** Peers that only check the signature (the brief's list), held against our signature-only rows. */
const NODE_SIGNATURE_PEERS = ['stripe', 'octokit']

const NODE_RAW = ['raw-node']
const SUBTLE_RAW = ['raw-subtle']
const NOBLE_RAW = ['raw-noble', 'raw-noble-keyed']

function full(path, shape, raw, peers) {
  return {
    id: `${path}@${shape}`,
    ours: true,
    kind: 'full',
    raw,
    peers: shape === 'string' ? peers : [],
    expect: 'webhook',
  }
}

/** Our verifySignature: headers, timestamp, HMAC and compare, no JSON. */
function signatureOnly(path, raw, peers) {
  return {
    id: `${path}-signature@string`,
    ours: true,
    kind: 'signature',
    raw,
    peers,
    expect: isVerifiedSignature,
  }
}

function isVerifiedSignature(result) {
  return result?.secretIndex === 0 && result.raw instanceof Uint8Array
}

/**
 * Each baseline is timed right before the paths held against it. `@string` is the body with one large
 * string field, `@object` the body full of small objects (JSON.parse heavy); the raw baselines and peers
 * use the `@string` body.
 */
export const ROWS = [
  { id: 'raw-node', expect: true },
  full('node-sync', 'string', NODE_RAW, NODE_FULL_PEERS),
  full('node-async', 'string', NODE_RAW, NODE_FULL_PEERS),
  full('node-sync', 'object', NODE_RAW),
  signatureOnly('node-sync', NODE_RAW, NODE_SIGNATURE_PEERS),
  signatureOnly('node-async', NODE_RAW, NODE_SIGNATURE_PEERS),
  { id: 'raw-subtle', expect: true },
  { id: 'raw-subtle-prebuilt', expect: true },
  full('web-async', 'string', SUBTLE_RAW, WEB_FULL_PEERS),
  full('web-async', 'object', SUBTLE_RAW),
  signatureOnly('web-async', SUBTLE_RAW, []),
  { id: 'raw-noble', expect: true },
  { id: 'raw-noble-keyed', expect: true },
  full('web-sync', 'string', NOBLE_RAW, WEB_FULL_PEERS),
  full('web-sync', 'object', NOBLE_RAW),
  signatureOnly('web-sync', NOBLE_RAW, []),
  { ...full('node-sync-sw', 'string', NODE_RAW, ['standardwebhooks']), kind: 'other' },
  { id: 'json@string', expect: 'json' },
  { id: 'json@object', expect: 'json' },
  { id: 'stripe', expect: true },
  { id: 'octokit', expect: true },
  { id: 'stripe-construct', expect: 'json' },
  { id: 'octokit-parse', expect: 'json' },
  { id: 'standardwebhooks', expect: 'json' },
  { id: 'stripe-subtle-construct', expect: 'json' },
  { id: 'octokit-web-parse', expect: 'json' },
]

/** Fails the run when a timed function does not do what it claims (a benchmark of a no-op proves nothing). */
export function checkResult(label, result, expect) {
  const ok =
    typeof expect === 'function'
      ? expect(result)
      : expect === 'webhook'
        ? result?.event === 'entry_persisted' && result?.raw instanceof Uint8Array
        : expect === 'json'
          ? result?.event === 'entry_persisted'
          : result === expect
  if (!ok) throw new Error(`${label}: unexpected result ${String(result)} (expected ${String(expect)})`)
}

/** Versions of the libraries measured, for the report header. */
export function versions() {
  const names = ['@noble/hashes', 'stripe', 'standardwebhooks', '@octokit/webhooks-methods', 'mitata']
  return names
    .map((name) => {
      const file = new URL(`../node_modules/${name}/package.json`, import.meta.url)
      return `${name} ${JSON.parse(readFileSync(file, 'utf8')).version}`
    })
    .join(', ')
}

import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { nodeBackend } from '../src/backend/node.js'
import type { CryptoBackend } from '../src/backend/types.js'
import { webBackend } from '../src/backend/web.js'
import { isWebhookVerificationError, signSync } from '../src/index.js'
import { createVerifierWith } from '../src/verifier.js'

// Payloads whose buffer is gone or shrunk under them. Copying from a view of a transferred (detached)
// buffer throws, and used to throw a plain TypeError from a different place per backend (the web build
// even verified it as an empty body in the sync forms); in the async web forms the rejected Web Crypto
// promise was left unawaited and took the Node process down. Now: a detached buffer is PAYLOAD_NOT_RAW
// (500, the receiver's bug) and a view past the end of a shrunk resizable buffer is an empty body, alike on
// every backend and form, and nothing is left unhandled.
const SECRET = 'whsec-payload-buffers-test'
const T = 1_700_000_000
const text = JSON.stringify({ event: 'entry_persisted', data: { id: 'entry_1' } })
const headers = signSync(text, { secret: SECRET, timestamp: T })

/** `view` over a buffer holding the signed text, then that buffer transferred away (detached). */
function detachedUnder<V>(view: (buffer: ArrayBuffer) => V): () => V {
  return function make() {
    const buffer = new TextEncoder().encode(text).buffer as ArrayBuffer
    const made = view(buffer)
    structuredClone(buffer, { transfer: [buffer] })
    return made
  }
}

/** ES2024 resizable ArrayBuffer (in Node 20's V8; not in this package's TypeScript lib). */
type Resizable = ArrayBuffer & { resize(byteLength: number): void }
const ResizableArrayBuffer = ArrayBuffer as unknown as new (
  byteLength: number,
  options: { maxByteLength: number },
) => Resizable

function shrunkView(): Uint8Array {
  const buffer = new ResizableArrayBuffer(text.length, { maxByteLength: 4096 })
  const view = new Uint8Array(buffer, 0, text.length)
  view.set(new TextEncoder().encode(text))
  buffer.resize(4)
  return view
}

const payloads: Array<[string, string, () => unknown]> = [
  ['a detached ArrayBuffer', 'PAYLOAD_NOT_RAW', detachedUnder((buffer) => buffer)],
  [
    'a Uint8Array over a detached buffer',
    'PAYLOAD_NOT_RAW',
    detachedUnder((buffer) => new Uint8Array(buffer)),
  ],
  ['a DataView over a detached buffer', 'PAYLOAD_NOT_RAW', detachedUnder((buffer) => new DataView(buffer))],
  ['a Buffer over a detached buffer', 'PAYLOAD_NOT_RAW', detachedUnder((buffer) => Buffer.from(buffer))],
  // An empty body: the signature over the real text does not match it.
  ['a Uint8Array past the end of a shrunk buffer', 'SIGNATURE_MISMATCH', shrunkView],
]

const backends = [
  ['node:crypto', nodeBackend],
  ['Web Crypto', webBackend],
] as const
const forms = ['verify', 'verifySync', 'verifySignature', 'verifySignatureSync'] as const

const orphaned: unknown[] = []
const onOrphan = (reason: unknown) => orphaned.push(reason)
beforeAll(() => {
  process.on('unhandledRejection', onOrphan)
})
afterAll(() => {
  process.off('unhandledRejection', onOrphan)
})

/** The code a call fails with, or `verified`; anything but a WebhookVerificationError is returned as is. */
async function outcome(call: () => unknown): Promise<unknown> {
  try {
    await call()
    return 'verified'
  } catch (error) {
    return isWebhookVerificationError(error) ? `${error.code} ${error.status}` : error
  }
}

describe.each(backends)('%s backend', (_name, backend) => {
  const verifier = createVerifierWith(backend as CryptoBackend<unknown>, {
    secret: SECRET,
    now: () => T * 1000,
  })

  test.each(payloads.flatMap(([what, make, code]) => forms.map((form) => [form, what, make, code] as const)))(
    '%s(%s) → %s, nothing left unhandled',
    async (form, _what, code, make) => {
      const payload = make() as Uint8Array
      expect(await outcome(() => verifier[form]({ payload, headers }))).toBe(
        `${code} ${code === 'PAYLOAD_NOT_RAW' ? 500 : 401}`,
      )
      await new Promise((resolve) => setTimeout(resolve, 5))
      expect(orphaned).toEqual([])
    },
  )
})

// Bodies and signed headers for the core verify benchmark, all built before any timing starts.
import { createHmac } from 'node:crypto'
import { requestHeaders } from './request-headers.mjs'

/** The Ledgerly secret: its UTF-8 bytes are the HMAC key (Stripe and Octokit use a string key the same way). */
export const SECRET = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz'
/** A Standard Webhooks secret: base64 of 32 bytes after `whsec_`. */
export const SW_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`

export const SIZES = [
  { label: '1 KiB', bytes: 1024 },
  { label: '64 KiB', bytes: 64 * 1024 },
  { label: '1 MiB', bytes: 1024 * 1024 },
  { label: '10 MiB', bytes: 10 * 1024 * 1024 },
]

const HEAD = '{"event":"entry_persisted","data":{"id":"ent_01J9ZK3Q8R","action":"invoice.updated",'
const ACTOR = '"actor":{"type":"user","id":"usr_42","name":"Ada"},"target":{"type":"invoice","id":"inv_9"},'

/** Pads `prefix + filler + suffix` so the whole UTF-8 text is exactly `bytes` long (ASCII only). */
function padTo(prefix, suffix, bytes) {
  const room = bytes - prefix.length - suffix.length
  if (room < 0) throw new RangeError(`body shape does not fit in ${bytes} bytes`)
  return prefix + 'x'.repeat(room) + suffix
}

/**
 * `string`: the envelope plus one large string field (`metadata.note`). JSON.parse only scans it, so this
 * isolates the crypto path; it is also what most real bodies look like (a few fields, one big text).
 */
function stringBody(bytes) {
  return padTo(`${HEAD}${ACTOR}"severity":"info","metadata":{"note":"`, '"}}}', bytes)
}

const ROW =
  '{"id":"ln_000000","account":"4000-sales","debit":12345,"credit":0,"currency":"EUR","tags":["q3","eu"]},'

/**
 * `object`: the envelope whose `diff.lines` is an array of small objects filling the size. JSON.parse builds
 * one object per ~100 bytes here: the worst case for the parse that our verify does and raw HMACs do not.
 */
function objectBody(bytes) {
  const prefix = `${HEAD}${ACTOR}"severity":"info","diff":{"lines":[`
  const suffix = '{}],"pad":""}}}'
  const rows = Math.max(0, Math.floor((bytes - prefix.length - suffix.length) / ROW.length))
  const body = prefix + ROW.repeat(rows) + suffix
  return body.slice(0, -4) + 'x'.repeat(bytes - body.length) + '"}}}'
}

export const SHAPES = { string: stringBody, object: objectBody }

/**
 * One size and shape: body bytes and text, the Ledgerly compound header (made by our signer, so peers also
 * prove they accept what we emit), the hex tag, and the Octokit signature (GitHub signs the body alone). Stripe reads our header as is.
 */
export function buildFixture(size, shape, timestamp, signSync) {
  const text = SHAPES[shape](size.bytes)
  const body = new TextEncoder().encode(text)
  if (body.length !== size.bytes) throw new Error(`${shape} body is ${body.length} bytes, not ${size.bytes}`)
  JSON.parse(text) // the body must be valid JSON, or our verify would fail with INVALID_PAYLOAD
  const signed = signSync(body, { secret: SECRET, timestamp })
  const hexTag = createHmac('sha256', SECRET).update(`${timestamp}.`).update(body).digest('hex')
  if (signed['x-ledgerly-signature'] !== `t=${timestamp},v1=${hexTag}`) {
    throw new Error('our signer and node:crypto disagree on the tag')
  }
  const headers = requestHeaders(body, signed)
  return {
    size,
    shape,
    text,
    body,
    timestamp,
    headers,
    signatureHeader: signed['x-ledgerly-signature'],
    hexTag,
    // GitHub's scheme (Octokit) signs the body alone, with no timestamp.
    octokitSignature: `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
  }
}

/** Standard Webhooks headers for one body, signed now (that library checks the tolerance against Date.now). */
export function standardWebhooksHeaders(body, signSync) {
  const timestamp = Math.floor(Date.now() / 1000)
  return signSync(body, { secret: SW_SECRET, scheme: 'standard-webhooks', id: 'msg_bench', timestamp })
}

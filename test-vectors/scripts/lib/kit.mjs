// Helpers the case modules use to build requests. Every signature comes from the core signer, so the
// positive cases are the signer's real output; the expected outcomes are written by hand in cases/.

const encoder = new TextEncoder()

/** The fixed inputs every case file shares, so the vectors are the same on every run. */
export const FIXED = {
  secret: 'whk_ledgerly_test_secret_0001',
  oldSecret: 'whk_ledgerly_previous_secret_0000',
  thirdSecret: 'whk_ledgerly_third_secret_0002',
  unicodeSecret: 'sécret-ünïcode-🔑',
  t: 1700000000,
  tolerance: 300,
}

/** A representative `entry_persisted` body, compact, as the dispatcher sends it. */
export function entryBody(id = 'ent_01HZX3Q4R5', extra = {}) {
  return JSON.stringify({
    event: 'entry_persisted',
    data: {
      id,
      action: 'ledger.entry.created',
      actor: { type: 'user', id: 'usr_42', name: 'Ada' },
      target: { type: 'invoice', id: 'inv_1001' },
      diff: { amount: [null, 1250] },
      metadata: {},
      context: { ip: '203.0.113.7' },
      severity: 'info',
      created_at: '2023-11-14T22:13:20Z',
      ...extra,
    },
  })
}

/** Bytes of a body given as text (UTF-8) or already as bytes. */
export function toBytes(body) {
  return typeof body === 'string' ? encoder.encode(body) : body
}

/** Concatenates byte arrays (or UTF-8 strings). */
export function joinBytes(...parts) {
  const list = parts.map(toBytes)
  const out = new Uint8Array(list.reduce((sum, part) => sum + part.length, 0))
  let offset = 0
  for (const part of list) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/** Builds the signing helpers over one build of the core. */
export function createKit(core) {
  return {
    /** Bare lowercase hex HMAC-SHA256 of `T.body` under one secret (the legacy header value). */
    hex(secret, t, body) {
      return core.signSync(toBytes(body), { secret, timestamp: t, format: 'legacy' })['x-ledgerly-signature']
    },
    /** The compound `t=T,v1=…[,v1=…]` header, one v1 per secret. */
    compound(secrets, t, body) {
      return core.signSync(toBytes(body), { secret: secrets, timestamp: t })['x-ledgerly-signature']
    },
    /** The Standard Webhooks signature header (`v1,<base64>` per secret). */
    standard(secrets, id, t, body) {
      return core.signSync(toBytes(body), { secret: secrets, scheme: 'standard-webhooks', id, timestamp: t })[
        'webhook-signature'
      ]
    },
  }
}

/** Expected outcome of an accepted request. */
export function ok(event, id, secretIndex = 0, timestamp = FIXED.t) {
  return { valid: true, event, id, secretIndex, timestamp }
}

/** Expected outcome of a rejected request. */
export function no(code) {
  return { valid: false, code }
}

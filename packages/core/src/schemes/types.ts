import type { HeadersInput } from '../headers.js'

/** What a scheme reads off the headers before any HMAC is computed. */
export interface SignedParts {
  /** Signed timestamp, unix seconds. */
  timestamp: number
  /** Candidate 32-byte tags from the header. */
  signatures: Uint8Array[]
  /** ASCII text signed before the body (`T.` or `id.T.`). */
  prefix: string
  /** Message id the scheme signs, when it has one. */
  id: string | undefined
}

/** The envelope of a verified body. */
export interface Envelope {
  event: string
  data: unknown
  id: string
}

export interface SchemeRules {
  readHeaders(headers: HeadersInput): SignedParts
  readEnvelope(body: unknown, parts: SignedParts): Envelope
}

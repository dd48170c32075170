import { createHmac } from 'node:crypto'
import type { HeadersInput } from '../src/headers.js'

// An independent oracle: node:crypto directly, not our backends.
export const SECRET = 'ledgerly-test-secret'
export const T = 1_700_000_000
export const NOW_MS = T * 1000
export const BODY =
  '{"event":"entry_persisted","data":{"id":"entry_1","action":"invoice.updated","severity":"info"}}'

export function hmacHex(body: string | Uint8Array, timestamp: string | number = T, secret = SECRET): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')
}

export const DIGEST = hmacHex(BODY)

/** A request case: headers (and optionally payload/options) and the expected outcome. */
export interface Case {
  name: string
  headers: HeadersInput
  payload?: unknown
  options?: Record<string, unknown>
  expect: 'valid' | string
  /** Expected secretIndex when valid. */
  secretIndex?: number
}

export function compound(signature = DIGEST, timestamp: string | number = T): Record<string, string> {
  return { 'x-ledgerly-signature': `t=${timestamp},v1=${signature}` }
}

export function flipHexBit(hex: string, index: number): string {
  const value = Number.parseInt(hex[index]!, 16) ^ 1
  return hex.slice(0, index) + value.toString(16) + hex.slice(index + 1)
}

const encoder = new TextEncoder()

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text)
}

/** Joins byte arrays into one new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  return concatInto(parts, new Uint8Array(parts.reduce((length, part) => length + part.byteLength, 0)))
}

/**
 * Copies `parts` one after another into `out` (at least their total length) and returns `out`. A join for
 * {@link readNodeBody} that makes a Node `Buffer` with memory of its own, without this package touching
 * `Buffer`: `Buffer.concat` would hand a body under 4 KiB out of Node's shared pool, so its `.buffer` would
 * hold unrelated bytes.
 *
 * @example
 * ```ts
 * import { concatInto, readNodeBody } from '@ledgerly/webhooks/http'
 *
 * readNodeBody(req, limit, callbacks, (chunks, total) => concatInto(chunks, Buffer.allocUnsafeSlow(total)))
 * ```
 */
export function concatInto<Out extends Uint8Array>(parts: readonly Uint8Array[], out: Out): Out {
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.byteLength
  }
  return out
}

/** ASCII codes of the 16 lowercase hex digits. */
const HEX_CODES = new Uint8Array([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102])
const asciiDecoder = new TextDecoder()
/** Scratch space for tags (32 bytes → 64 characters); rendering is synchronous, so it is never shared. */
const hexScratch = new Uint8Array(128)

/**
 * Lowercase hex of some bytes. Signing renders one tag per secret per attempt, so this writes the ASCII
 * codes into scratch space and decodes them once: one string, instead of a chain of 2-character
 * concatenations (about half the time, and no intermediate strings for the collector).
 */
export function toHex(bytes: Uint8Array): string {
  const length = bytes.length * 2
  const out = length <= hexScratch.length ? hexScratch : new Uint8Array(length)
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!
    out[2 * i] = HEX_CODES[byte >> 4]!
    out[2 * i + 1] = HEX_CODES[byte & 15]!
  }
  return asciiDecoder.decode(out.subarray(0, length))
}

function hexDigit(code: number): number {
  // '0'-'9' → 0-9; 'a'-'f' and 'A'-'F' → 10-15; anything else → -1 (no lookup table, no allocation).
  if (code >= 48 && code <= 57) return code - 48
  const lower = code | 0x20
  return lower >= 97 && lower <= 102 ? lower - 87 : -1
}

/**
 * Decodes hex (either case) into bytes: all of `text`, or `text[start, end)` (no slice is made);
 * `undefined` when that is not even-length hex.
 */
export function fromHex(text: string, start = 0, end = text.length): Uint8Array | undefined {
  if ((end - start) % 2 !== 0) return undefined
  const out = new Uint8Array((end - start) / 2)
  for (let i = 0, at = start; i < out.length; i++, at += 2) {
    const high = hexDigit(text.charCodeAt(at))
    const low = hexDigit(text.charCodeAt(at + 1))
    if ((high | low) < 0) return undefined
    out[i] = (high << 4) | low
  }
  return out
}

/** Decodes canonical, padded base64; `undefined` when the text is not base64. */
export function fromBase64(text: string): Uint8Array | undefined {
  if (!/^(?:[\w+/]{4})*(?:[\w+/]{2}==|[\w+/]{3}=)?$/.test(text) || text.includes('_')) return undefined
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0))
}

/** Standard, padded base64 of some bytes. */
export function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
}

/**
 * Compares two byte arrays in time that depends only on their lengths, never on where they differ.
 * Used for the 32-byte HMAC tags, whose length is public.
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length
  for (let i = 0; i < a.length && i < b.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}

import { fail, type WebhookErrorCode } from '../errors.js'
import { type HeadersInput, REPEATED, readHeader } from '../headers.js'
import { HEADER_TEXT, MAX_SIGNATURE_HEADER_LENGTH } from './limits.js'

/** A space or a tab: the only padding allowed around header elements. */
export function isSpace(code: number): boolean {
  return code === 32 || code === 9
}

/** Trims spaces and tabs only (not the other characters `String#trim` removes). */
export function trimSpace(text: string): string {
  let start = 0
  let end = text.length
  while (start < end && isSpace(text.charCodeAt(start))) start++
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--
  return start === 0 && end === text.length ? text : text.slice(start, end)
}

/**
 * Reads one header that must not be repeated (the first of `names` present); an empty or blank value
 * counts as absent. `duplicateCode` is the code used when it was sent more than once.
 */
export function readOne(
  headers: HeadersInput,
  names: readonly string[],
  duplicateCode: WebhookErrorCode,
): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = readHeader(headers, name)
    if (value === REPEATED) fail(duplicateCode, `${name} header sent more than once`)
    if (value !== undefined && trimSpace(value) !== '') return { name, value }
  }
  return undefined
}

/**
 * Reads the signature header of a scheme with bounded work: present, not repeated, at most
 * MAX_SIGNATURE_HEADER_LENGTH characters, visible ASCII only. Returns its name and trimmed value.
 */
export function readSignatureHeader(
  headers: HeadersInput,
  names: readonly string[],
): { name: string; value: string } {
  const found = readOne(headers, names, 'MALFORMED_SIGNATURE')
  if (!found) return fail('MISSING_SIGNATURE', `${names[0]} header missing or empty`)
  const value = trimSpace(found.value)
  if (value.length > MAX_SIGNATURE_HEADER_LENGTH) {
    fail('MALFORMED_SIGNATURE', `${found.name} header longer than ${MAX_SIGNATURE_HEADER_LENGTH} characters`)
  }
  if (!HEADER_TEXT.test(value))
    fail('MALFORMED_SIGNATURE', `${found.name} header has non-ASCII or control characters`)
  return { name: found.name, value }
}

/** Fails when one more signature would exceed the cap. */
export function assertRoom(count: number, name: string, max: number): void {
  if (count === max) fail('MALFORMED_SIGNATURE', `${name} header has more than ${max} v1 signatures`)
}

import { fail, type WebhookErrorCode } from '../errors.js'
import { type HeadersInput, readHeader } from '../headers.js'

const EDGE_SPACE = /^[ \t]+|[ \t]+$/g

/** Trims spaces and tabs only. */
export function trimSpace(text: string): string {
  return text.replace(EDGE_SPACE, '')
}

/**
 * Reads one header that must not be repeated; an empty or blank value counts as absent.
 * `duplicateCode` is the code used when it was sent more than once.
 */
export function readOne(
  headers: HeadersInput,
  names: readonly string[],
  duplicateCode: WebhookErrorCode,
): { name: string; value: string } | undefined {
  for (const name of names) {
    const values = readHeader(headers, name)
    if (values.length > 1) fail(duplicateCode, `The ${name} header was sent more than once`)
    const value = values[0]
    if (value !== undefined && trimSpace(value) !== '') return { name, value }
  }
  return undefined
}

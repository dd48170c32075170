import type { AttemptRecord } from '../types.js'

/** Longest excerpt of a receiver's answer printed on an attempt's line. */
const MAX_SHOWN = 80
/** A problem `code` as the Ledgerly receivers send it: `SIGNATURE_MISMATCH`, `IN_PROGRESS`… */
const PROBLEM_CODE = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/
/** C0 and C1 controls, DEL included: a receiver's bytes must not move the cursor or recolour the terminal. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]+/g

/** The `code` of a problem+json answer (RFC 9457, as the Ledgerly adapters send it), if it has one. */
function problemCode(excerpt: string): string | undefined {
  if (!excerpt.startsWith('{')) return undefined
  try {
    const code = (JSON.parse(excerpt) as { code?: unknown } | null)?.code
    return typeof code === 'string' && PROBLEM_CODE.test(code) ? code : undefined
  } catch {
    return undefined // not JSON, or cut at maxResponseBytes: shown as text
  }
}

/**
 * Why a receiver refused, for the attempt's line: ` (receiver: SIGNATURE_MISMATCH)` from a problem+json
 * `code`, else ` (receiver: "…")` with the body on one line, controls removed, at most 80 characters; `''`
 * for an empty body. The secrets are masked should the receiver echo one.
 *
 * @example
 * ```ts
 * responseReason('{"code":"SIGNATURE_MISMATCH"}', ['s3cret']) // ' (receiver: SIGNATURE_MISMATCH)'
 * responseReason('Forbidden\n', ['s3cret']) // ' (receiver: "Forbidden")'
 * ```
 */
export function responseReason(excerpt: string | undefined, secrets: readonly string[]): string {
  if (excerpt === undefined) return ''
  let masked = excerpt
  for (const secret of secrets) masked = masked.replaceAll(secret, '[secret]')
  const code = problemCode(masked.trim())
  if (code !== undefined) return ` (receiver: ${code})`
  const text = masked.replace(CONTROLS, ' ').replace(/\s+/g, ' ').trim()
  if (text === '') return ''
  const shown = text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text
  return ` (receiver: "${shown}")`
}

/**
 * An attempt's error for a CLI line: the code and message, then the receiver's reason if it gave one
 * (`CLIENT_ERROR HTTP 401 (receiver: SIGNATURE_MISMATCH)`). `send` and `worker` print the same line.
 *
 * @example
 * ```ts
 * say(`attempt ${attempt.attempt}: FAILED permanently ${attemptReason(attempt, [secret])}`)
 * ```
 */
export function attemptReason(attempt: AttemptRecord, secrets: readonly string[]): string {
  return `${attempt.error?.code} ${attempt.error?.message}${responseReason(attempt.responseExcerpt, secrets)}`
}

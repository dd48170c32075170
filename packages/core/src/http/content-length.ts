/**
 * The byte count a `Content-Length` header declares, or `undefined` when there is none or it is not plain
 * digits (a runtime that parsed the request has already refused a malformed one; a hand-built request is
 * read as if the header were absent).
 */
export function declaredLength(header: string | number | null | undefined): number | undefined {
  // Any whole number, however large: a declared 2^60 must still read as "more than the limit".
  if (typeof header === 'number') return Number.isInteger(header) && header >= 0 ? header : undefined
  if (typeof header !== 'string') return undefined
  const digits = header.trim()
  return /^[0-9]+$/.test(digits) ? Number(digits) : undefined
}

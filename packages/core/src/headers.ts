/**
 * Every header shape a verifier accepts: Fetch `Headers`, Node's `IncomingHttpHeaders`
 * (`string | string[] | undefined` values), Node's flat `rawHeaders` list, a plain record, a `Map`, or
 * `[name, value]` pairs. Names are matched case-insensitively.
 */
export type HeadersInput =
  | { get(name: string): string | null; forEach(cb: (value: string, name: string) => void): void }
  | Readonly<Record<string, string | readonly string[] | number | undefined>>
  | ReadonlyMap<string, string | readonly string[]>
  | ReadonlyArray<readonly [string, string]>
  | ReadonlyArray<string>

/** What {@link readHeader} found: no value, one value, or {@link REPEATED}. */
export type Found = string | undefined | typeof REPEATED

/** The header was sent more than once (and must be rejected). */
export const REPEATED: unique symbol = Symbol('repeated')

/** Adds one header value (a string, a number, or a list of them) to what was found so far. */
function add(found: Found, value: unknown): Found {
  if (typeof value === 'string') return found === undefined ? value : REPEATED
  if (typeof value === 'number') return found === undefined ? String(value) : REPEATED
  if (Array.isArray(value)) for (const item of value) found = add(found, item)
  return found
}

/** Case-insensitive name match; comparing lengths first avoids lowercasing (allocating) most keys. */
function sameName(key: unknown, name: string): boolean {
  return typeof key === 'string' && key.length === name.length && (key === name || key.toLowerCase() === name)
}

function isMap(value: object): value is ReadonlyMap<unknown, unknown> {
  return Object.prototype.toString.call(value) === '[object Map]'
}

function isFetchHeaders(value: object): value is { get(name: string): string | null } {
  return typeof (value as { get?: unknown }).get === 'function' && !isMap(value)
}

/**
 * Reads the value sent for `name` (lowercase): `undefined` when absent, the value normally, and
 * {@link REPEATED} when it was sent more than once (an array value, two record keys differing in case, or
 * two pairs). Fetch `Headers` joins repeats into one `a, b` string, which the parsers then reject on shape.
 * Nothing is allocated on this per-request path but the value itself.
 */
export function readHeader(headers: HeadersInput, name: string): Found {
  let found: Found
  if (Array.isArray(headers) && typeof headers[0] === 'string') {
    // Node's `rawHeaders`: a flat [name, value, name, value…] list that keeps repeated headers apart.
    for (let i = 0; i + 1 < headers.length; i += 2)
      if (sameName(headers[i], name)) found = add(found, headers[i + 1])
    return found
  }
  if (Array.isArray(headers)) {
    for (const pair of headers) {
      if (Array.isArray(pair) && sameName(pair[0], name)) found = add(found, pair[1])
    }
    return found
  }
  const shape = headers as object
  if (isMap(shape)) {
    for (const [key, value] of shape) {
      if (sameName(key, name)) found = add(found, value)
    }
    return found
  }
  if (isFetchHeaders(shape)) return shape.get(name) ?? undefined
  const record = headers as Record<string, unknown>
  for (const key in record) {
    if (sameName(key, name) && Object.hasOwn(record, key)) found = add(found, record[key])
  }
  return found
}

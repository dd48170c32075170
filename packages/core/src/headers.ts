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

type Collected = string[]

function pushValue(out: Collected, value: unknown): void {
  if (typeof value === 'string') out.push(value)
  else if (typeof value === 'number') out.push(String(value))
  else if (Array.isArray(value)) for (const item of value) pushValue(out, item)
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
 * Returns every value sent for `name` (lowercase): none when absent, one normally, several when the header
 * was repeated (an array value, two record keys differing in case, or two pairs). Fetch `Headers` joins
 * repeats into one `a, b` string, which the parsers then reject on shape.
 */
export function readHeader(headers: HeadersInput, name: string): Collected {
  const out: Collected = []
  if (Array.isArray(headers) && typeof headers[0] === 'string') {
    // Node's `rawHeaders`: a flat [name, value, name, value…] list that keeps repeated headers apart.
    for (let i = 0; i + 1 < headers.length; i += 2)
      if (sameName(headers[i], name)) pushValue(out, headers[i + 1])
    return out
  }
  if (Array.isArray(headers)) {
    for (const pair of headers) {
      if (Array.isArray(pair) && sameName(pair[0], name)) {
        pushValue(out, pair[1])
      }
    }
    return out
  }
  const shape = headers as object
  if (isMap(shape)) {
    for (const [key, value] of shape) {
      if (sameName(key, name)) pushValue(out, value)
    }
    return out
  }
  if (isFetchHeaders(shape)) {
    const value = shape.get(name)
    if (value !== null) out.push(value)
    return out
  }
  const record = headers as Record<string, unknown>
  for (const key in record) {
    if (sameName(key, name) && Object.hasOwn(record, key)) pushValue(out, record[key])
  }
  return out
}

/** A usage error: the CLI prints its one-line message and a hint to the command's help, and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError'
}

/**
 * A failure the user can act on (a port in use, an address that does not resolve): the CLI prints its
 * message, without a stack, and exits 1.
 */
export class Failure extends Error {
  override name = 'Failure'
}

/**
 * Whether an error comes from the outside world rather than from a bug here: a {@link Failure}, or a
 * system error (`ECONNRESET`, `EADDRINUSE`, `ENOTFOUND`…). Node's own `ERR_*` codes mean we called an
 * API wrongly, which is a bug.
 */
export function isOperational(error: unknown): boolean {
  if (error instanceof Failure) return true
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && !code.startsWith('ERR_')
}

import type { ConnectionOptions } from 'bullmq'

/** A Redis URL (`redis://[user:pass@]host[:port][/db]`, `rediss://` for TLS), options, or an ioredis client. */
export type RedisConnection = string | ConnectionOptions

/**
 * Turns a Redis URL into ioredis options; passes options and clients through. Workers need
 * `maxRetriesPerRequest: null` (BullMQ's blocking commands must wait out a Redis restart, not fail).
 */
export function connectionOptions(connection: RedisConnection, forWorker: boolean): ConnectionOptions {
  if (typeof connection !== 'string') {
    if (typeof connection !== 'object' || connection === null) {
      throw new TypeError(
        'bullmqQueue: "connection" must be a redis:// URL, ioredis options or an ioredis client',
      )
    }
    // An ioredis instance has `duplicate`; BullMQ duplicates it for its own blocking connections.
    if (typeof (connection as { duplicate?: unknown }).duplicate === 'function') return connection
    const copy = { ...connection } as Record<string, unknown>
    if (forWorker) copy.maxRetriesPerRequest = null
    return copy as ConnectionOptions
  }
  let url: URL
  try {
    url = new URL(connection)
  } catch {
    throw new TypeError('bullmqQueue: "connection" is not a valid redis:// URL')
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new TypeError(`bullmqQueue: "connection" must use redis: or rediss:, got ${url.protocol}`)
  }
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0
  if (!Number.isInteger(db) || db < 0)
    throw new TypeError('bullmqQueue: the database in the Redis URL must be a number')
  return {
    // `new URL('redis://[::1]').hostname` keeps the brackets; ioredis wants the bare address.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
    db,
    ...(url.username ? { username: decodeUserinfo(url.username, 'user name') } : {}),
    ...(url.password ? { password: decodeUserinfo(url.password, 'password') } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    ...(forWorker ? { maxRetriesPerRequest: null } : {}),
  }
}

/** A percent-encoded user name or password; a bad escape is the caller's mistake (never echoed: a secret). */
function decodeUserinfo(text: string, what: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    throw new TypeError(`bullmqQueue: the ${what} in the Redis URL has a bad %-escape (write % as %25)`)
  }
}

import { createHash } from 'node:crypto'
import type { RedisScriptClient } from './client.js'

/** A Lua script with its SHA-1, so the usual call sends only the hash (`EVALSHA`). */
export interface Script {
  source: string
  sha1: string
}

function script(source: string): Script {
  return { source, sha1: createHash('sha1').update(source).digest('hex') }
}

/**
 * Claim: read and, if free, take the key in one atomic step. ARGV[1] is the lease value (`lease:` and the
 * claim's token: the caller's, or the store's own without one), ARGV[2] the lease in ms. A done mark is
 * the literal `done`; anything else is a lease.
 */
export const CLAIM = script(`local value = redis.call('GET', KEYS[1])
if not value then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 'claimed'
end
if value == 'done' then return 'done' end
return 'in-progress'`)

/** Complete: the done mark replaces whatever is there (a lease, ours or a later one) for ARGV[1] ms. */
export const COMPLETE = script(`redis.call('SET', KEYS[1], 'done', 'PX', ARGV[1])
return 1`)

/**
 * Release: delete only the lease of the same token (ARGV[1], the value CLAIM stored). A release arriving
 * after a completion (done) or after that lease expired and another delivery claimed the key (a different
 * token, even from the same process) changes nothing.
 */
export const RELEASE = script(`if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`)

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT')
}

/** Runs a script by hash, loading it by source once if the server does not have it (restart, failover). */
export async function runScript(
  client: RedisScriptClient,
  lua: Script,
  key: string,
  args: string[],
): Promise<unknown> {
  try {
    return await client.evalsha(lua.sha1, 1, key, ...args)
  } catch (error) {
    if (!isNoScript(error)) throw error
    return client.eval(lua.source, 1, key, ...args)
  }
}

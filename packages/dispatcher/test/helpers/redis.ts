import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startRedisServer } from '@ledgerly/test-support/redis-server'

/**
 * A throwaway redis-server on 127.0.0.1 with AOF on, as the README recommends. Fails if redis is absent.
 * Pass the `port` and `dir` of a stopped one to restart it on the same data (the restart test).
 */
export async function startRedis(existing?: { port: number; dir: string }) {
  const dir = existing?.dir ?? mkdtempSync(join(tmpdir(), 'ledgerly-redis-'))
  const redis = await startRedisServer({
    ...(existing ? { port: existing.port } : {}),
    args: [
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--maxmemory-policy',
      'noeviction',
    ],
  })
  return { port: redis.port, dir, url: redis.url, stop: redis.stop }
}

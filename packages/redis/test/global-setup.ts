import { startRedisServer } from '@ledgerly/test-support/redis-server'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** `redis://127.0.0.1:<port>` of the redis-server this run started. */
    redisUrl: string
  }
}

/** One redis-server (no persistence) for the whole run; its URL is provided to every test file. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const redis = await startRedisServer({ args: ['--save', '', '--appendonly', 'no', '--loglevel', 'notice'] })
  project.provide('redisUrl', redis.url)
  return redis.stop
}

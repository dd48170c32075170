// A throwaway redis-server for the tests that need a real one (the Redis idempotency store, the BullMQ
// driver). It fails with an install hint when redis-server is missing: a suite that needs Redis must not
// pass without it.
import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'

/** The error message when redis-server is not on the PATH. */
export const REDIS_INSTALL_HINT =
  'redis-server is not installed. Install it (Debian/Ubuntu: apt-get install -y redis-server) and rerun.'

const READY = 'Ready to accept connections'
const READY_TIMEOUT_MS = 10_000

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** The port; by default a free one is picked (and another tried if it is taken before redis binds it). */
  port?: number
  /** More redis-server arguments (persistence, eviction policy…); `--port` and `--bind` are set here. */
  args?: readonly string[]
}

/** A redis-server that accepts connections on 127.0.0.1. */
export interface RunningRedis {
  port: number
  /** `redis://127.0.0.1:<port>` */
  url: string
  child: ChildProcess
  /** SIGTERM (redis flushes its AOF and exits, like a restart by an operator); resolves once it exited. */
  stop(): Promise<void>
}

/** A port that was free a moment ago (redis-server cannot listen on port 0 and report it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port')),
      )
    })
  })
}

function spawnRedis(port: number, args: readonly string[]): Promise<ChildProcess> {
  return new Promise(function waitUntilReady(resolve, reject) {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`redis-server did not become ready within ${READY_TIMEOUT_MS / 1000} s:\n${output}`))
    }, READY_TIMEOUT_MS)
    function onExit(code: number | null) {
      clearTimeout(timer)
      reject(new Error(`redis-server exited with code ${code} before it was ready:\n${output}`))
    }
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      reject(error.code === 'ENOENT' ? new Error(REDIS_INSTALL_HINT) : error)
    })
    child.once('exit', onExit)
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stdout!.on('data', function watchForReady(chunk: Buffer) {
      output += chunk.toString()
      if (!output.includes(READY)) return
      clearTimeout(timer)
      child.off('exit', onExit)
      child.stdout!.off('data', watchForReady)
      // Keep draining its output, or a chatty server would block on a full pipe.
      child.stdout!.resume()
      resolve(child)
    })
  })
}

/**
 * Starts redis-server on 127.0.0.1 and resolves once it accepts connections.
 *
 * @example
 * ```ts
 * const redis = await startRedisServer({ args: ['--save', '', '--appendonly', 'no'] })
 * // … new Redis(redis.url) …
 * await redis.stop()
 * ```
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RunningRedis> {
  const args = options.args ?? []
  let lastError: unknown
  // A probed free port can be taken by someone else before redis binds it: try a few.
  for (let attempt = 0; attempt < (options.port === undefined ? 5 : 1); attempt++) {
    const port = options.port ?? (await freePort())
    try {
      const child = await spawnRedis(port, args)
      return {
        port,
        url: `redis://127.0.0.1:${port}`,
        child,
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return
          const exited = new Promise((resolve) => child.once('exit', resolve))
          child.kill('SIGTERM')
          await exited
        },
      }
    } catch (error) {
      lastError = error
      if (error instanceof Error && error.message === REDIS_INSTALL_HINT) break
    }
  }
  throw lastError
}

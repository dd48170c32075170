import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** `redis://127.0.0.1:<port>` of the redis-server this run started. */
    redisUrl: string
  }
}

const INSTALL_HINT =
  'redis-server is not installed. Install it (Debian/Ubuntu: apt-get install -y redis-server) and rerun.'

/** A port that was free a moment ago (redis-server cannot listen on port 0 and report it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

/** Starts redis-server (no persistence) and resolves once it accepts connections. */
function startRedis(port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--loglevel',
        'notice',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let output = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`redis-server did not become ready within 10 s:\n${output}`))
    }, 10_000)
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      reject(error.code === 'ENOENT' ? new Error(INSTALL_HINT) : error)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`redis-server exited with code ${code} before it was ready:\n${output}`))
    })
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer)
        child.removeAllListeners('exit')
        resolve(child)
      }
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
  })
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let lastError: unknown
  // A free port can be taken by someone else between the probe and the spawn: try a few.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort()
    try {
      const redis = await startRedis(port)
      project.provide('redisUrl', `redis://127.0.0.1:${port}`)
      return async function stopRedis() {
        if (redis.exitCode !== null) return
        const exited = new Promise((resolve) => redis.once('exit', resolve))
        redis.kill('SIGTERM')
        await exited
      }
    } catch (error) {
      lastError = error
      if (error instanceof Error && error.message === INSTALL_HINT) break
    }
  }
  throw lastError
}

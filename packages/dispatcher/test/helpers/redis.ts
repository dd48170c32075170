import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { closedPort } from './server.js'

/** A throwaway redis-server on 127.0.0.1 with AOF on, as the README recommends. Fails if redis is absent. */
export async function startRedis(existing?: { port: number; dir: string }) {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('redis-server is required for the BullMQ tests (Debian: apt-get install -y redis-server)')
  }
  const port = existing?.port ?? (await closedPort())
  const dir = existing?.dir ?? mkdtempSync(join(tmpdir(), 'ledgerly-redis-'))
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
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
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000)
    child.stdout!.on('data', (chunk) => {
      output += chunk
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.on('exit', (code) => reject(new Error(`redis-server exited with ${code}:\n${output}`)))
  })
  child.stdout!.resume()
  return {
    port,
    dir,
    url: `redis://127.0.0.1:${port}`,
    /** SIGTERM: redis flushes the AOF and exits, like a restart by an operator. */
    async stop() {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    },
  }
}

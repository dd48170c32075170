/**
 * Starts a real workerd, Deno, Bun or Node process serving a bundled Fetch handler on a loopback port
 * (Node through a plain node:http bridge, runtimes/node.ts). The binaries come from this package's
 * devDependencies (Node is the one running the tests); a missing one fails the test with a clear message.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

export type RuntimeName = 'workerd' | 'deno' | 'bun' | 'node'

const here = dirname(fileURLToPath(import.meta.url))
const packageRoot = join(here, '..', '..')
const tmp = join(packageRoot, '.tmp')
const require = createRequire(import.meta.url)

function binary(name: RuntimeName): string {
  if (name === 'node') return process.execPath
  const relative = { workerd: 'bin/workerd', deno: 'deno', bun: 'bin/bun.exe' }[name]
  let path: string
  try {
    path = join(dirname(require.resolve(`${name}/package.json`)), relative)
  } catch {
    throw new Error(`The "${name}" npm package is not installed: run pnpm install in the workspace root`)
  }
  if (!existsSync(path))
    throw new Error(`The ${name} binary is missing at ${path}: reinstall the "${name}" package`)
  return path
}

/** Bundles one runtime entry into a single ESM file with the secret inlined. */
export async function bundle(name: RuntimeName, secret: string): Promise<string> {
  mkdirSync(tmp, { recursive: true })
  const outfile = join(tmp, `${name}.mjs`)
  await build({
    entryPoints: [join(here, '..', 'runtimes', `${name === 'workerd' ? 'worker' : name}.ts`)],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    // workerd resolves like a browser (Web Crypto build); Deno, Bun and Node resolve npm packages with the
    // `node` condition, so they get the node:crypto build, exactly as an app importing us would.
    conditions: name === 'workerd' ? ['workerd', 'worker', 'browser'] : [name, 'node'],
    external: ['node:*'],
    define: { __LEDGERLY_SECRET__: JSON.stringify(secret) },
    logLevel: 'silent',
  })
  return outfile
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

function workerdConfig(bundlePath: string): string {
  const config = join(tmp, 'workerd.capnp')
  writeFileSync(
    config,
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker.mjs", esModule = embed "${bundlePath.split('/').pop()}") ],
  compatibilityDate = "2025-01-01",
);
`,
  )
  return config
}

export interface RunningRuntime {
  url: string
  /** Everything the process printed so far (stdout and stderr). */
  output(): string
  stop(): Promise<void>
}

function waitForExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve()
    else child.once('exit', () => resolve())
  })
}

async function waitUntilServing(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the runtime exited with ${child.exitCode}:\n${output()}`)
    try {
      await fetch(url, { method: 'GET', signal: AbortSignal.timeout(1000) })
      return
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  throw new Error(`the runtime did not serve ${url} within 20 s:\n${output()}`)
}

/** Starts the runtime on a loopback port and resolves once it answers HTTP. */
export async function startRuntime(name: RuntimeName, secret: string): Promise<RunningRuntime> {
  const exe = binary(name)
  const bundlePath = await bundle(name, secret)
  let port = 0
  let args: string[]
  if (name === 'workerd') {
    port = await freePort()
    args = ['serve', workerdConfig(bundlePath), '--socket-addr', `http=127.0.0.1:${port}`]
  } else if (name === 'deno') {
    args = ['run', '--allow-net=127.0.0.1', '--no-prompt', bundlePath]
  } else {
    args = [bundlePath]
  }
  const child = spawn(exe, args, {
    cwd: tmp,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(tmp, 'deno-dir'), NO_COLOR: '1' },
  })
  let output = ''
  const portFromOutput = new Promise<number>((resolve) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /LISTENING (\d+)/.exec(output)
      if (match) resolve(Number(match[1]))
    })
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
      await waitForExit(child)
      clearTimeout(timer)
    }
  }
  try {
    if (name !== 'workerd') {
      const exited = waitForExit(child).then(() => {
        throw new Error(`${name} exited before listening:\n${output}`)
      })
      const timeout = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`${name} did not listen within 20 s:\n${output}`)), 20_000).unref(),
      )
      port = await Promise.race([portFromOutput, exited, timeout])
    }
    const url = `http://127.0.0.1:${port}/webhooks`
    await waitUntilServing(url, child, () => output)
    return { url, output: () => output, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

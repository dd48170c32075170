#!/usr/bin/env node
// Runs every vector inside workerd (Cloudflare's runtime): a module worker that bundles the default
// build of the core and the vectors, served on a loopback port from a generated capnp config.
import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { bundle } from '../lib/bundle.mjs'
import { tmpDir } from '../lib/paths.mjs'
import { cannotStart, printReport } from '../lib/print-report.mjs'
import { fetchWhenUp, freePort } from '../lib/processes.mjs'

const workerd = createRequire(import.meta.url)('workerd')
const runtime = `workerd ${workerd.version}`
const dir = join(tmpDir, 'workerd')

const CONFIG = `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .vectorsWorker)],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const vectorsWorker :Workerd.Worker = (
  modules = [(name = "worker.mjs", esModule = embed "worker.mjs")],
  compatibilityDate = "${workerd.compatibilityDate}",
);
`

let child
let code
try {
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, 'worker.mjs'),
    await bundle('esm', new URL('../lib/worker-entry.mjs', import.meta.url).pathname),
  )
  writeFileSync(join(dir, 'config.capnp'), CONFIG)
  const port = await freePort()
  child = spawn(
    workerd.default,
    ['serve', join(dir, 'config.capnp'), `--socket-addr=http=127.0.0.1:${port}`],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  )
  const response = await fetchWhenUp(`http://127.0.0.1:${port}/`, child, 30_000)
  if (!response.ok) throw new Error(`the worker answered ${response.status}: ${await response.text()}`)
  code = printReport(runtime, await response.json())
} catch (error) {
  code = cannotStart(runtime, error)
} finally {
  child?.kill()
}
process.exit(code)

import { spawnSync } from 'node:child_process'
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { assertBuilt } from './helpers/cli.js'

const packageDir = fileURLToPath(new URL('..', import.meta.url))
const launcher = join(packageDir, 'bin/ledgerly-webhooks.js')

function run(file: string, args: string[]) {
  return spawnSync(process.execPath, [file, ...args], { encoding: 'utf8', timeout: 15_000 })
}

// The bin is a committed launcher (not a build output), so pnpm can link it before the package is built.
describe('bin/ledgerly-webhooks.js', () => {
  it('package.json "bin" → the committed launcher, shipped in "files"', () => {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'))
    expect(manifest.bin).toEqual({ 'ledgerly-webhooks': './bin/ledgerly-webhooks.js' })
    expect(manifest.files).toContain('bin')
  })

  it('built package, `secret` → runs the CLI: exit 0, a new secret on stdout', () => {
    assertBuilt()
    const result = run(launcher, ['secret'])
    expect(result.status, result.stderr).toBe(0)
    expect(result.stdout.trim()).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('package not built → exit 1 and how to build it, no stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledgerly-bin-'))
    mkdirSync(join(dir, 'bin'))
    copyFileSync(launcher, join(dir, 'bin/ledgerly-webhooks.js'))
    const result = run(join(dir, 'bin/ledgerly-webhooks.js'), ['secret'])
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(/not built .*pnpm --filter @ledgerly\/webhooks-dispatcher build/)
    expect(result.stderr).not.toMatch(/\n\s+at /)
  })

  // Node names the importing file in a missing-module error, so matching on dist/cli.js in its text
  // took a missing dependency of the CLI for a missing build.
  it('built, but a dependency of the CLI missing → that module-not-found error, not "not built"', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledgerly-bin-'))
    mkdirSync(join(dir, 'bin'))
    mkdirSync(join(dir, 'dist'))
    copyFileSync(launcher, join(dir, 'bin/ledgerly-webhooks.js'))
    writeFileSync(join(dir, 'dist/cli.js'), "import '@ledgerly/not-installed-anywhere'\n")
    const result = run(join(dir, 'bin/ledgerly-webhooks.js'), ['secret'])
    expect(result.status).toBe(1)
    expect(result.stderr).toMatch(
      /ERR_MODULE_NOT_FOUND|Cannot find package '@ledgerly\/not-installed-anywhere'/,
    )
    expect(result.stderr).not.toMatch(/not built/)
  })

  /** The built package installed alone in a fresh app, with its dependencies except bullmq. */
  function appWithoutBullmq(): string {
    assertBuilt()
    const app = mkdtempSync(join(tmpdir(), 'ledgerly-no-bullmq-'))
    const installed = join(app, 'node_modules/@ledgerly/webhooks-dispatcher')
    mkdirSync(installed, { recursive: true })
    for (const entry of ['bin', 'dist', 'package.json'])
      cpSync(join(packageDir, entry), join(installed, entry), { recursive: true })
    const fromPackage = createRequire(join(packageDir, 'package.json'))
    const undici = realpathSync(join(fromPackage.resolve('undici'), '..'))
    symlinkSync(
      undici.slice(0, undici.lastIndexOf('/node_modules/undici') + '/node_modules/undici'.length),
      join(app, 'node_modules/undici'),
      'dir',
    )
    symlinkSync(join(packageDir, '../core'), join(app, 'node_modules/@ledgerly/webhooks'), 'dir')
    return app
  }

  const workerArgs = [
    'worker',
    '--redis',
    'redis://127.0.0.1:1',
    '--url',
    'http://127.0.0.1:9/',
    '--secret',
    's',
  ]

  it('worker in an app without bullmq → "needs the bullmq package", exit 1', () => {
    const app = appWithoutBullmq()
    const result = run(
      join(app, 'node_modules/@ledgerly/webhooks-dispatcher/bin/ledgerly-webhooks.js'),
      workerArgs,
    )
    expect(result.status).toBe(1)
    expect(result.stderr).toBe('error: the worker needs the "bullmq" package: npm install bullmq\n')
  })

  it('worker with a file of ours missing → that error, not "install bullmq"', () => {
    const app = appWithoutBullmq()
    rmSync(join(app, 'node_modules/@ledgerly/webhooks-dispatcher/dist/bullmq.js'))
    const result = run(
      join(app, 'node_modules/@ledgerly/webhooks-dispatcher/bin/ledgerly-webhooks.js'),
      workerArgs,
    )
    expect(result.status).not.toBe(0)
    expect(result.stderr).not.toMatch(/npm install bullmq/)
    expect(result.stderr).toMatch(/bullmq\.js/)
  })
})

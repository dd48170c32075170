import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
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
})

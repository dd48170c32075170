import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'

// Every published package, and each of its subpaths, must load with require() from a CommonJS app on
// Node 20.19+ (require(esm)). The package requires itself by name from its own folder, so the exports
// map and its conditions are what resolve it, exactly as in an app that installed it.
const packagesDir = fileURLToPath(new URL('../packages', import.meta.url))

interface Manifest {
  name: string
  private?: boolean
  exports?: Record<string, unknown>
}

const packages = readdirSync(packagesDir)
  .map((folder) => ({ folder: join(packagesDir, folder), file: join(packagesDir, folder, 'package.json') }))
  .filter(({ file }) => existsSync(file))
  .map(({ folder, file }) => ({ folder, manifest: JSON.parse(readFileSync(file, 'utf8')) as Manifest }))
  .filter(({ manifest }) => !manifest.private)

const cases = packages.flatMap(({ folder, manifest }) =>
  Object.keys(manifest.exports ?? { '.': null })
    .filter((subpath) => !subpath.endsWith('package.json'))
    .map(
      (subpath) => [subpath === '.' ? manifest.name : `${manifest.name}${subpath.slice(1)}`, folder] as const,
    ),
)

describe('require() from CommonJS', () => {
  test('every published package is covered', () => {
    expect(packages.map(({ manifest }) => manifest.name)).toEqual(
      expect.arrayContaining([
        '@ledgerly/webhooks',
        '@ledgerly/webhooks-express',
        '@ledgerly/webhooks-dispatcher',
      ]),
    )
  })

  test.each(cases)('require(%s) → a module with exports', (specifier, folder) => {
    const script = `const m = require(${JSON.stringify(specifier)}); process.stdout.write(String(Object.keys(m).length))`
    const out = execFileSync(process.execPath, ['-e', script], { cwd: folder, encoding: 'utf8' })
    expect(Number(out)).toBeGreaterThan(0)
  })
})

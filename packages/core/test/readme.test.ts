import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { transformSync } from 'esbuild'
import { describe, expect, test } from 'vitest'

// Every ```ts block of the README is a complete program: compile it and run it against the BUILT package
// (the package resolves itself by name, so the blocks import exactly what users import).
const packageDir = fileURLToPath(new URL('..', import.meta.url))
const readme = readFileSync(join(packageDir, 'README.md'), 'utf8')
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!)

describe('README examples', () => {
  test('the README has runnable examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4)
  })

  test.each(blocks.map((code, index) => [index + 1, code] as const))(
    'example %i → runs without throwing',
    (index, code) => {
      const dir = join(packageDir, '.tmp')
      mkdirSync(dir, { recursive: true })
      const file = join(dir, `readme-${index}.mjs`)
      writeFileSync(file, transformSync(code, { loader: 'ts', format: 'esm' }).code)
      expect(() => execFileSync(process.execPath, [file], { cwd: packageDir, stdio: 'pipe' })).not.toThrow()
    },
  )
})

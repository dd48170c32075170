import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { transformSync } from 'esbuild'
import { describe, expect, test } from 'vitest'

// docs/migrating.md promises that every ```ts block is a complete program that works: each one is compiled
// and run against the BUILT package, as the README's blocks are (readme.test.ts). Each block checks its own
// outcome and throws when it is not what the page says.
const packageDir = fileURLToPath(new URL('..', import.meta.url))
const guide = readFileSync(join(packageDir, '..', '..', 'docs', 'migrating.md'), 'utf8')
const blocks = [...guide.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!)

function run(index: number, code: string): string {
  const dir = join(packageDir, '.tmp')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `migrating-${index}.mjs`)
  writeFileSync(file, transformSync(code, { loader: 'ts', format: 'esm' }).code)
  return execFileSync(process.execPath, [file], { cwd: packageDir, stdio: 'pipe', encoding: 'utf8' })
}

describe('docs/migrating.md', () => {
  test('the guide has one runnable example per section → 3 blocks', () => {
    expect(blocks).toHaveLength(3)
  })

  test.each([
    [1, 'entry_persisted ent_1\n'],
    [2, 'TIMESTAMP_TOO_NEW 401\n'],
    [3, "msg_1 invoice.paid { type: 'invoice.paid', data: { id: 'inv_1' } }\n"],
  ])('example %i → runs and prints %j', (index, printed) => {
    expect(run(index, blocks[index - 1]!)).toBe(printed)
  })
})

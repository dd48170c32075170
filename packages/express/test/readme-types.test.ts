// readme.test.ts runs every marked README example, but bundles it with esbuild, which strips types without
// checking them. Here each one is compiled against the sources with the package's own compiler options,
// as a user's editor would check it: an example that runs but does not type-check fails here.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type * as TypeScript from 'typescript'
import { describe, expect, it } from 'vitest'
import { README_PRELUDE } from './helpers/readme-prelude.js'

const ts = createRequire(import.meta.url)('typescript') as typeof TypeScript
const root = fileURLToPath(new URL('..', import.meta.url))
const outDir = join(root, '.tmp', 'readme-types')
/** The marker @ledgerly/test-support/readme runs: `<!-- tested: name -->` right above a ```ts fence. */
const EXAMPLE = /<!-- tested: ([\w-]+)[^>]*-->\n```ts\n([\s\S]*?)\n```/g

const readme = readFileSync(join(root, 'README.md'), 'utf8')
const examples = [...readme.matchAll(EXAMPLE)].map(([, name, code]) => ({ name: name!, code: code! }))

/** Writes each example as a module importing the package's sources, and type-checks them in one program. */
function typeErrorsByExample(): Map<string, string[]> {
  rmSync(outDir, { recursive: true, force: true })
  mkdirSync(outDir, { recursive: true })
  const files = examples.map(function write({ name, code }) {
    const file = join(outDir, `${name}.ts`)
    const source = code.replaceAll("'@ledgerly/webhooks-express'", "'../../src/index.js'")
    writeFileSync(file, (README_PRELUDE[name] ?? '') + source)
    return { name, file }
  })
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))
      },
    },
  )
  const program = ts.createProgram(
    files.map((entry) => entry.file),
    // App code, not a library: no declarations, so an exported `app` needs no portable type name.
    { ...config!.options, noEmit: true, declaration: false },
  )
  return new Map(
    files.map(({ name, file }) => [
      name,
      ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map(function describe(diagnostic) {
        const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0)
        return `line ${line + 1}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`
      }),
    ]),
  )
}

describe('README examples type-check', () => {
  const errors = typeErrorsByExample()

  it('finds the marked examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(6)
  })

  it.each(examples.map(({ name }) => name))('%s → compiles with no type error', (name) => {
    expect(errors.get(name)).toEqual([])
  })
})

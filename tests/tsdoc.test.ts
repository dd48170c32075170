import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type * as TypeScript from 'typescript'
import { describe, expect, test } from 'vitest'

// GUIDE §4: every public export has TSDoc, and every exported function, class and constant shows an
// `@example`. Read from the published type declarations (what an editor shows a user), for every
// subpath of every package's exports map, so a new export cannot ship undocumented.
const ts = createRequire(import.meta.url)('typescript') as typeof TypeScript
const packagesDir = fileURLToPath(new URL('../packages', import.meta.url))

interface Manifest {
  name: string
  private?: boolean
  exports?: Record<string, { types?: string } | string>
}

const entries = readdirSync(packagesDir)
  .map((folder) => join(packagesDir, folder))
  .filter((folder) => existsSync(join(folder, 'package.json')))
  .flatMap((folder) => {
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as Manifest
    if (manifest.private) return []
    return Object.entries(manifest.exports ?? {}).flatMap(([subpath, target]) =>
      typeof target === 'object' && target.types
        ? [{ name: `${manifest.name}${subpath.slice(1)}`, file: join(folder, target.types) }]
        : [],
    )
  })

const program = ts.createProgram(
  entries.map((entry) => entry.file),
  { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true },
)
const checker = program.getTypeChecker()

/** `name: what is missing` for each export of one declaration file that lacks TSDoc or an example. */
function undocumented(file: string): string[] {
  const source = program.getSourceFile(file)
  const moduleSymbol = source && checker.getSymbolAtLocation(source)
  if (!moduleSymbol) return [`${file}: not a module`]
  return checker.getExportsOfModule(moduleSymbol).flatMap(function missing(exported) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
    if (ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() === '') {
      return [`${exported.name}: no TSDoc`]
    }
    const isValue = symbol.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class | ts.SymbolFlags.Variable)
    const hasExample = symbol.getJsDocTags(checker).some((tag) => tag.name === 'example')
    return isValue && !hasExample ? [`${exported.name}: no @example`] : []
  })
}

describe('TSDoc on the published declarations', () => {
  test('the exports maps list declaration files', () => {
    expect(entries.length).toBeGreaterThanOrEqual(10)
    for (const entry of entries) expect(existsSync(entry.file), entry.file).toBe(true)
  })

  test.each(entries.map((entry) => [entry.name, entry.file] as const))(
    '%s exports → each has TSDoc, each function, class and constant an @example',
    (_name, file) => {
      expect(undocumented(file)).toEqual([])
    },
  )
})

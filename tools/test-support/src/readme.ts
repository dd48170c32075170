// README examples as tests: every block marked `<!-- tested: name -->` right above a ```ts fence is
// bundled from the README text itself, with the package's own imports pointed at its sources, and
// imported, so a test can run it and the README cannot drift from what works.
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'

const EXAMPLE = /<!-- tested: ([\w-]+)[^>]*-->\n```ts\n([\s\S]*?)\n```/g

/** Options of {@link readmeExamples}. */
export interface ReadmeExamplesOptions {
  /** The package folder: holds README.md, src/index.ts and the `.tmp` folder the bundles go to. */
  packageRoot: string
  /** The name the examples import (`'@ledgerly/webhooks-hono'`); rewritten to the package's sources. */
  packageName: string
  /** Code put before an example, by name: for a snippet that runs inside an app the README does not show. */
  prelude?: Readonly<Record<string, string>>
}

/** The marked examples of one README, and a loader that bundles and imports one of them. */
export interface ReadmeExamples {
  /** Example names in README order. */
  readonly names: string[]
  /** Bundles the example `name` and returns its export `exportName`. */
  load<T>(name: string, exportName: string): Promise<T>
}

/**
 * Reads a package README's marked examples once.
 *
 * @example
 * ```ts
 * const readme = readmeExamples({ packageRoot: root, packageName: '@ledgerly/webhooks-hono' })
 * const app = await readme.load<Hono>('quick-start', 'app')
 * ```
 */
export function readmeExamples(options: ReadmeExamplesOptions): ReadmeExamples {
  const { packageRoot, packageName, prelude = {} } = options
  const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8')
  const examples = new Map([...readme.matchAll(EXAMPLE)].map((match) => [match[1]!, match[2]!]))
  const tmp = join(packageRoot, '.tmp')
  const source = join(packageRoot, 'src', 'index.ts')

  return {
    names: [...examples.keys()],
    async load<T>(name: string, exportName: string): Promise<T> {
      const code = examples.get(name)
      if (code === undefined)
        throw new Error(`README example "${name}" not found in ${join(packageRoot, 'README.md')}`)
      mkdirSync(tmp, { recursive: true })
      const outfile = join(tmp, `readme-${name}.mjs`)
      await build({
        stdin: {
          contents: (prelude[name] ?? '') + code.replaceAll(`'${packageName}'`, JSON.stringify(source)),
          loader: 'ts',
          resolveDir: packageRoot,
        },
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        packages: 'external',
        logLevel: 'error',
      })
      // A fresh URL per load: the same example may be loaded by several tests with different state.
      const module = await import(`${pathToFileURL(outfile).href}?t=${Date.now()}-${Math.random()}`)
      if (!(exportName in module)) throw new Error(`README example "${name}" exports no "${exportName}"`)
      return module[exportName] as T
    },
  }
}

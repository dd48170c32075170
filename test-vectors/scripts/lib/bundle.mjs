// Bundles bundle-entry.mjs with esbuild for runtimes that cannot read files: the default (web) build of
// the core is resolved, never the `node` one, and the vectors are inlined as a virtual module.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'
import { HMAC_FILE, VECTOR_FILES, vectorsDir } from './paths.mjs'

const vectorsPlugin = {
  name: 'vectors',
  setup(context) {
    context.onResolve({ filter: /^virtual:vectors$/ }, () => ({ path: 'vectors', namespace: 'vectors' }))
    context.onLoad({ filter: /.*/, namespace: 'vectors' }, () => {
      const read = (file) => ({ file, ...JSON.parse(readFileSync(join(vectorsDir, file), 'utf8')) })
      const documents = VECTOR_FILES.map(read)
      const contents = `export const documents = ${JSON.stringify(documents)}\nexport const primitives = ${JSON.stringify(read(HMAC_FILE))}\n`
      return { contents, loader: 'js' }
    })
  },
}

/**
 * @param {'esm' | 'iife'} format ESM for a workerd module worker, IIFE (sets `globalThis.runVectors`)
 * for the edge VM and the browser page.
 * @param {string} entry the entry file (defaults to bundle-entry.mjs)
 * @returns {Promise<string>} the bundled code
 */
export async function bundle(format, entry = new URL('./bundle-entry.mjs', import.meta.url).pathname) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format,
    platform: 'browser',
    conditions: ['worker', 'browser'],
    target: 'es2022',
    globalName: format === 'iife' ? '__ledgerlyVectors' : undefined,
    footer: format === 'iife' ? { js: 'globalThis.runVectors = __ledgerlyVectors.runVectors;' } : undefined,
    plugins: [vectorsPlugin],
    logLevel: 'silent',
  })
  return result.outputFiles[0].text
}

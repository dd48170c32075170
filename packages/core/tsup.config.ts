import { fileURLToPath } from 'node:url'
import { defineConfig } from 'tsup'

const nodeSelect = fileURLToPath(new URL('./src/backend/select-node.ts', import.meta.url))

export default defineConfig([
  {
    // Default entry: Web Crypto + noble, no `node:` import anywhere.
    entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
    format: ['esm'],
    target: 'es2022',
    dts: true,
    clean: true,
    splitting: true,
    treeshake: true,
  },
  {
    // `node` condition: the same source with the backend swapped for node:crypto.
    entry: { node: 'src/index.ts' },
    format: ['esm'],
    target: 'es2022',
    platform: 'node',
    dts: false,
    clean: false,
    esbuildPlugins: [
      {
        name: 'select-node-backend',
        setup(build) {
          build.onResolve({ filter: /backend\/select\.js$/ }, () => ({ path: nodeSelect }))
        },
      },
    ],
  },
])

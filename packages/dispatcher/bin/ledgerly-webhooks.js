#!/usr/bin/env node
// The `ledgerly-webhooks` command. This launcher is committed, not built, so that a package manager can
// link the command before the package is built (as in this repository's workspace); the CLI is dist/cli.js.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const cli = new URL('../dist/cli.js', import.meta.url)
if (existsSync(fileURLToPath(cli))) {
  // Any error from here on (a missing dependency included) is reported as it is.
  await import(cli.href)
} else {
  process.stderr.write(
    'ledgerly-webhooks: the package is not built (dist/cli.js is missing); run `pnpm --filter @ledgerly/webhooks-dispatcher build`\n',
  )
  process.exitCode = 1
}

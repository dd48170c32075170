// What building a verifier costs (options checked, keys imported), and what the free `verify()` /
// `verifySync()` pay for rebuilding it on every call, next to the prebuilt verifier on the same body.

import { nodeBuild, ourPaths, webBuild } from './ours.mjs'
import { formatRatio, formatTime, markdownTable } from './report.mjs'

const isVerifier = (value) => typeof value?.verify === 'function' && typeof value?.verifySync === 'function'

export async function setupCosts(timed, fixture, verifiers) {
  const request = { payload: fixture.body, headers: fixture.headers }
  const { options } = verifiers
  const prebuilt = ourPaths(verifiers, fixture)
  const rows = []
  const add = async (label, fn, expect, against) => {
    const stats = await timed(label, fn, expect)
    rows.push({ label, stats, against })
    return stats
  }
  await add('node createVerifier()', () => nodeBuild.createVerifier(options), isVerifier)
  await add('web createVerifier()', () => webBuild.createVerifier(options), isVerifier)
  // Web Crypto imports the key on the first verify, so this is what a verifier's first request pays.
  await add(
    'web createVerifier() + first verify()',
    () => webBuild.createVerifier(options).verify(request),
    'webhook',
  )
  const pairs = [
    ['node verifySync', prebuilt['node-sync'], () => nodeBuild.verifySync(request, options)],
    ['node verify', prebuilt['node-async'], () => nodeBuild.verify(request, options)],
    ['web verify', prebuilt['web-async'], () => webBuild.verify(request, options)],
    ['web verifySync', prebuilt['web-sync'], () => webBuild.verifySync(request, options)],
  ]
  for (const [name, built, free] of pairs) {
    const base = await add(`prebuilt ${name}`, built, 'webhook')
    await add(`free ${name}`, free, 'webhook', base)
  }
  const table = rows.map(({ label, stats, against }) => [
    label,
    formatTime(stats.avg),
    against ? formatRatio(stats.avg, against.avg) : '',
  ])
  return markdownTable(['call', 'time/iter', '× prebuilt'], table)
}

// Prints a bundled run's report the way every runner does, and returns the exit code.

/** @param {string} runtime @param {{rows: {label: string, passed: number, failed: number}[], passed: number, failed: number, failures: string[]}} report */
export function printReport(runtime, report) {
  for (const row of report.rows)
    console.log(`${runtime} | ${row.label} | ${row.passed} passed, ${row.failed} failed`)
  for (const failure of report.failures.slice(0, 50)) console.error(`FAIL ${failure}`)
  console.log(`${report.passed} passed, ${report.failed} failed`)
  return report.failed === 0 && report.passed > 0 ? 0 : 1
}

/** Reports a runner that could not start: counts as a failure, never as a skip. */
export function cannotStart(runtime, error) {
  console.error(`${runtime} could not start: ${error?.stack ?? error}`)
  console.log('0 passed, 1 failed')
  return 1
}

// Formats the measured stats as Markdown tables (readable in a terminal, pasteable into docs/).

/** Mean time per iteration in a unit that keeps 3 significant digits. */
export function formatTime(ns) {
  if (ns < 1e3) return `${ns.toFixed(0)} ns`
  if (ns < 1e6) return `${(ns / 1e3).toPrecision(3)} µs`
  if (ns < 1e9) return `${(ns / 1e6).toPrecision(3)} ms`
  return `${(ns / 1e9).toPrecision(3)} s`
}

/** Throughput in decimal units (1 GB/s = 10^9 bytes per second). */
export function formatRate(bytes, ns) {
  const perSecond = (bytes / ns) * 1e9
  if (perSecond >= 1e9) return `${(perSecond / 1e9).toFixed(2)} GB/s`
  return `${(perSecond / 1e6).toFixed(0)} MB/s`
}

/** `ours ÷ other` as time: below 1.00 means ours is faster. */
export function formatRatio(ours, other) {
  if (ours === undefined || other === undefined) return '–'
  return `${(ours / other).toFixed(2)}×`
}

export function markdownTable(header, rows) {
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`,
  ]
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`)
  return lines.join('\n')
}

/** Edit distance between two short words; swapping two neighbours (`sned` → `send`) counts as one edit. */
function distance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, rows[i - 2]![j - 2]! + 1)
      }
      rows[i]![j] = best
    }
  }
  return rows[a.length]![b.length]!
}

/**
 * The candidate a mistyped word most likely meant (`--tires` → `tries`), or undefined when none is
 * close: at most a third of the word may differ, and a prefix (`--conc`) always counts.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined
  let bestDistance = Math.max(1, Math.floor(word.length / 3))
  for (const candidate of candidates) {
    if (word.length >= 3 && candidate.startsWith(word)) return candidate
    const d = distance(word, candidate)
    if (d <= bestDistance) {
      best = candidate
      bestDistance = d - 1
    }
  }
  return best
}

/**
 * RFC 9110 §5.6.7 HTTP-dates, matched exactly (names are case-sensitive, fields fixed-width) before any
 * number is read: `Date.parse` alone reads almost anything as a date (`Foo 2030` is 1 January 2030 to V8)
 * and reads asctime dates, which have no zone, in local time.
 */
const MONTHS = 'Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec'
const DAY = 'Mon|Tue|Wed|Thu|Fri|Sat|Sun'
const LONG_DAY = 'Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday'
const TIME = '(?<hours>\\d{2}):(?<minutes>\\d{2}):(?<seconds>\\d{2})'

const FORMS = [
  // `Sun, 06 Nov 1994 08:49:37 GMT`: IMF-fixdate, the preferred form.
  new RegExp(`^(?:${DAY}), (?<day>\\d{2}) (?<month>${MONTHS}) (?<year>\\d{4}) ${TIME} GMT$`),
  // `Sunday, 06-Nov-94 08:49:37 GMT`: the obsolete RFC 850 form, with a two-digit year.
  new RegExp(`^(?:${LONG_DAY}), (?<day>\\d{2})-(?<month>${MONTHS})-(?<year>\\d{2}) ${TIME} GMT$`),
  // `Sun Nov  6 08:49:37 1994`: the obsolete asctime form, day padded with a space, no zone (meaning GMT).
  new RegExp(`^(?:${DAY}) (?<month>${MONTHS}) (?<day>[ \\d]\\d) ${TIME} (?<year>\\d{4})$`),
]

const MONTH_INDEX = new Map(MONTHS.split('|').map((name, index) => [name, index]))

/**
 * RFC 9110: a two-digit year that appears to be more than 50 years in the future is the most recent past
 * year with the same last two digits.
 */
function fullYear(twoDigits: number, nowMs: number): number {
  const thisYear = new Date(nowMs).getUTCFullYear()
  const year = thisYear - (thisYear % 100) + twoDigits
  return year > thisYear + 50 ? year - 100 : year
}

/** Epoch ms of the fields one form matched; undefined for a time that does not exist (31 Feb, 24:00). */
function fromFields(fields: Record<string, string | undefined>, nowMs: number): number | undefined {
  const year = fields.year!.length === 2 ? fullYear(Number(fields.year), nowMs) : Number(fields.year)
  const month = MONTH_INDEX.get(fields.month!)!
  const day = Number(fields.day) // ' 6' (asctime) is 6
  const hours = Number(fields.hours)
  const minutes = Number(fields.minutes)
  const seconds = Number(fields.seconds)
  // Second 60 is a leap second, which the grammar allows.
  if (hours > 23 || minutes > 59 || seconds > 60) return undefined
  // setUTCFullYear, not Date.UTC: that reads years 0 to 99 as 1900 to 1999, and both roll 31 February into
  // March, which the check below refuses.
  const date = new Date(0)
  date.setUTCFullYear(year, month, day)
  if (date.getUTCMonth() !== month || date.getUTCDate() !== day) return undefined
  return date.getTime() + ((hours * 60 + minutes) * 60 + seconds) * 1000
}

/**
 * Epoch milliseconds of an RFC 9110 HTTP-date (IMF-fixdate, RFC 850 or asctime form) in GMT, or undefined
 * when `text` is not exactly one of them or names no real time.
 *
 * @example
 * ```ts
 * httpDateMs('Sun, 06 Nov 1994 08:49:37 GMT', Date.now()) // 784111777000
 * httpDateMs('Foo 2030', Date.now()) // undefined
 * ```
 */
export function httpDateMs(text: string, nowMs: number): number | undefined {
  for (const form of FORMS) {
    const match = form.exec(text)
    if (match) return fromFields(match.groups!, nowMs)
  }
  return undefined
}

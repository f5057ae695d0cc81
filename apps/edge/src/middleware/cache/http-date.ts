const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const LONG_DAY = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
const MONTH = `(${MONTHS.join("|")})`;
const TIME = "(\\d{2}):(\\d{2}):(\\d{2})";

interface Parts {
  day: string;
  month: string;
  year: number;
  hour: string;
  minute: string;
  second: string;
}

/** The three HTTP-date formats (RFC 9110 §5.6.7), each mapping its match to date parts. */
const FORMATS: Array<[RegExp, (m: string[], thisYear: number) => Parts]> = [
  [
    new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`),
    (m) => ({
      day: m[1] ?? "",
      month: m[2] ?? "",
      year: Number(m[3]),
      hour: m[4] ?? "",
      minute: m[5] ?? "",
      second: m[6] ?? "",
    }),
  ],
  [
    new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`),
    (m, thisYear) => {
      // A two-digit year more than 50 years in the future is in the past century.
      const century = Math.floor(thisYear / 100) * 100;
      const yy = Number(m[3]);
      const year = century + yy > thisYear + 50 ? century - 100 + yy : century + yy;
      return {
        day: m[1] ?? "",
        month: m[2] ?? "",
        year,
        hour: m[4] ?? "",
        minute: m[5] ?? "",
        second: m[6] ?? "",
      };
    },
  ],
  [
    new RegExp(`^${DAY} ${MONTH} ( \\d|\\d{2}) ${TIME} (\\d{4})$`),
    (m) => ({
      day: (m[2] ?? "").trim(),
      month: m[1] ?? "",
      year: Number(m[6]),
      hour: m[3] ?? "",
      minute: m[4] ?? "",
      second: m[5] ?? "",
    }),
  ],
];

/**
 * An HTTP-date in milliseconds, or undefined when the value is not one of the
 * three formats. Date.parse is far more lenient, and an invalid Expires must
 * read as "already expired" (RFC 9111 §5.3).
 */
export function parseHttpDate(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  for (const [pattern, toParts] of FORMATS) {
    const match = pattern.exec(value);
    if (!match) continue;
    const p = toParts(
      [...match].map((part) => part ?? ""),
      new Date().getUTCFullYear(),
    );
    const [hour, minute, second, day] = [Number(p.hour), Number(p.minute), Number(p.second), Number(p.day)];
    if (hour > 23 || minute > 59 || second > 60) return undefined;
    const ms = Date.UTC(p.year, MONTHS.indexOf(p.month), day, hour, minute, second);
    if (new Date(ms).getUTCDate() !== day) return undefined;
    return ms;
  }
  return undefined;
}

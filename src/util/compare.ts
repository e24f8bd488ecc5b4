// String order by UTF-16 code units, as Go's sort.Strings and Docker's tools order names.
// Not localeCompare: its first call sets up ICU's collator, ~15 ms of a short CLI command.

/** Negative, zero or positive as `a` sorts before, with or after `b`. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

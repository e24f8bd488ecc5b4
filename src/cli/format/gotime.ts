// Go's time.Time.String() form, which docker prints for CreatedAt columns:
// "2026-11-22 23:57:14 +0000 UTC".

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

export function goTimeString(date: Date): string {
  const offsetMin = -date.getTimezoneOffset();
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  const offset = `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
  let zone = 'UTC';
  if (offsetMin !== 0) {
    const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(date).find((p) => p.type === 'timeZoneName');
    zone = part?.value ?? offset;
  }
  const d = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const t = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return `${d} ${t} ${offset} ${zone}`;
}

/** RFC 3339 with nanoseconds as docker's events print them: "2026-11-22T23:57:13.057078401Z". */
export function rfc3339Nano(timeNano: bigint | number): string {
  const ns = BigInt(timeNano);
  const ms = Number(ns / 1000000n);
  const frac = (ns % 1000000000n).toString().padStart(9, '0');
  const iso = new Date(ms).toISOString().replace(/\.\d+Z$/, '');
  return `${iso}.${frac}Z`;
}

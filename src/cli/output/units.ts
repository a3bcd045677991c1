/** Sizes and ages the way docker prints them: decimal units, three significant digits, "2 hours ago". */
const SIZE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

export function humanSize(bytes: number): string {
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < SIZE_UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  return `${Number(v.toPrecision(3))}${SIZE_UNITS[i]}`;
}

export function humanDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.round(s / 60);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = Math.round(s / 3600);
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  if (h < 24 * 7 * 2) return `${Math.round(h / 24)} days`;
  if (h < 24 * 30 * 2) return `${Math.round(h / 24 / 7)} weeks`;
  if (h < 24 * 365 * 2) return `${Math.round(h / 24 / 30)} months`;
  return `${Math.round(h / 24 / 365)} years`;
}

export function ago(date: Date | string, now = Date.now()): string {
  return `${humanDuration(now - new Date(date).getTime())} ago`;
}

/**
 * Sizes, durations and times the way docker prints them (go-units and Go's
 * time package): decimal sizes with three significant digits ("4.26MB"),
 * binary ones with four ("1.5MiB"), "2 hours ago", Go's Time.String.
 */
const DECIMAL = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

function customSize(bytes: number, base: number, units: string[], precision: number): string {
  let v = bytes;
  let i = 0;
  while (v >= base && i < units.length - 1) {
    v /= base;
    i++;
  }
  return `${Number(v.toPrecision(precision))}${units[i]}`;
}

/** go-units HumanSize: "4.26MB". */
export const humanSize = (bytes: number): string => customSize(bytes, 1000, DECIMAL, 3);

/** go-units BytesSize: "1.5MiB", "7.657GiB". */
export const bytesSize = (bytes: number): string => customSize(bytes, 1024, BINARY, 4);

/** go-units HumanDuration: seconds and minutes truncated, hours rounded. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(ms / 3_600_000);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(ms / 3_600_000 / 24 / 365)} years`;
}

export function ago(date: Date | string | number, now = Date.now()): string {
  return `${humanDuration(now - new Date(date).getTime())} ago`;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function offset(d: Date): string {
  const off = -d.getTimezoneOffset();
  const abs = Math.abs(off);
  return `${off < 0 ? '-' : '+'}${pad(Math.trunc(abs / 60))}${pad(abs % 60)}`;
}

function zoneName(d: Date): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName');
  if (d.getTimezoneOffset() === 0 && (!part || part.value === 'GMT')) return 'UTC';
  return part?.value ?? offset(d);
}

const localDate = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const localTime = (d: Date) => `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;

/** Go's Time.String in local time: "2024-05-01 10:00:00 +0000 UTC" (docker's CreatedAt). */
export function goTimeString(d: Date): string {
  return `${localDate(d)} ${localTime(d)} ${offset(d)} ${zoneName(d)}`;
}

/** docker's RFC 3339 with nine fixed fraction digits, local time: "2024-05-01T10:00:00.000000000Z". */
export function rfc3339NanoFixed(d: Date, nanos?: number): string {
  const frac = nanos !== undefined ? String(nanos % 1e9).padStart(9, '0') : `${pad(d.getMilliseconds(), 3)}000000`;
  const off = offset(d);
  const zone = off === '+0000' ? 'Z' : `${off.slice(0, 3)}:${off.slice(3)}`;
  return `${localDate(d)}T${localTime(d)}.${frac}${zone}`;
}

/** docker's shortening of text for tables. */

/** "sha256:0123…" → its first 12 hex digits. */
export const truncateId = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);

/** At most `width` characters, the last one "…" when cut (docker's formatter.Ellipsis). */
export function ellipsis(s: string, width: number): string {
  const chars = [...s];
  if (chars.length <= width) return s;
  return width <= 1 ? chars.slice(0, width).join('') : `${chars.slice(0, width - 1).join('')}…`;
}

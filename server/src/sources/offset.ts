// Clock offsets as people write them: "250" (ms), "250ms", "-1.5s", "+2h", "3min", "00:01:30", "-01:00:00.250".
// Shared by the CLI's --offset and the editor's "Set Clock Offset" command.

/** At most a week either way: anything larger is a typo, not a clock. */
export const MAX_OFFSET_MS = 7 * 24 * 3_600_000;

const UNITS: Record<string, number> = { '': 1, ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds, or an error text. */
export function parseOffset(text: string): number | string {
  const t = text.trim().replace(/\u2212/g, '-');
  if (!t) return 'empty offset';
  let ms: number;
  const clock = /^([+-])?(\d+):([0-5]?\d):([0-5]?\d(?:\.\d+)?)$/.exec(t) ?? /^([+-])?()(\d+):([0-5]?\d(?:\.\d+)?)$/.exec(t);
  if (clock) {
    const [, sign, h, m, s] = clock;
    ms = ((Number(h || 0) * 60 + Number(m)) * 60 + Number(s)) * 1000 * (sign === '-' ? -1 : 1);
  } else {
    const u = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*(ms|s|sec|m|min|h|d)?$/i.exec(t);
    if (!u) return `"${text.trim().slice(0, 40)}" is not an offset (e.g. 250ms, -1.5s, +2h, 00:01:30)`;
    ms = Number(u[1]) * UNITS[(u[2] ?? '').toLowerCase()]!;
  }
  if (!Number.isFinite(ms)) return 'not a number';
  if (Math.abs(ms) > MAX_OFFSET_MS) return 'more than 7 days either way';
  return Math.round(ms * 1000) / 1000;
}

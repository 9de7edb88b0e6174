// Time stamps as CUCM and syslog receivers write them.

const MONTHS: Record<string, number> = {
  Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11,
};

/** UTC offsets in minutes of the zone abbreviations CUCM nodes commonly log with. IST is taken as India. */
const ZONES: Record<string, number> = {
  UTC: 0, GMT: 0, Z: 0, UT: 0, WET: 0, WEST: 60, BST: 60, IST: 330, CET: 60, CEST: 120, MET: 60, MEST: 120,
  EET: 120, EEST: 180, MSK: 180, GST: 240, PKT: 300, NPT: 345, ICT: 420, WIB: 420, SGT: 480, HKT: 480, AWST: 480,
  PHT: 480, JST: 540, KST: 540, ACST: 570, ACDT: 630, AEST: 600, AEDT: 660, NZST: 720, NZDT: 780,
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420, AKST: -540, AKDT: -480,
  HST: -600, BRT: -180, ART: -180, CLT: -240, SAST: 120, WAT: 60, CAT: 120, EAT: 180,
};

/** Minutes east of UTC for a zone abbreviation or numeric offset; undefined when unknown. */
export function zoneOffset(zone: string): number | undefined {
  const z = ZONES[zone.toUpperCase()];
  if (z !== undefined) return z;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (m) return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  return undefined;
}

export function monthIndex(name: string): number | undefined {
  return MONTHS[name];
}

function fraction(text: string | undefined): number {
  if (!text) return 0;
  // '5' -> 500 ms, '123456' -> 123.456 ms
  return Number((text + '000').slice(0, 3)) + (text.length > 3 ? Number('0.' + text.slice(3)) : 0);
}

export interface ParsedStamp {
  /** Epoch ms (UTC) when `year` is known, else ms within a year-less calendar (see `noYear`). */
  ms: number;
  /** Zone abbreviation that was not recognised (the time was taken as UTC). */
  unknownZone?: string;
  /** Month/day/time without a year: resolve with `withYear`. */
  noYear?: { month: number; day: number; tod: number };
}

// CiscoLog: "Jul 02 2015 06:22:31.123 UTC" (accuracy star and zone optional)
const CISCOLOG = /\*?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{4}) (\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?: ([A-Za-z][\w/+-]{0,31}|[+-]\d{2}:?\d{2})(?![\w/]))?/;
// ISO 8601 / RFC 5424: "2015-07-02T06:22:31.123+02:00"
const ISO = /(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?/;
// RFC 3164 at the start of the line: "Jul  2 06:22:31"
const RFC3164 = /^(?:<\d{1,3}>)?([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?/;

/** The best time stamp in the text before a CiscoLog header: the CiscoLog one, else ISO, else RFC 3164. */
export function parseSyslogStamp(prefix: string): ParsedStamp | null {
  let m = CISCOLOG.exec(prefix);
  if (m) {
    const month = MONTHS[m[1]!];
    if (month !== undefined) {
      let ms = Date.UTC(Number(m[3]), month, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6])) + fraction(m[7]);
      const out: ParsedStamp = { ms };
      if (m[8]) {
        const off = zoneOffset(m[8]);
        if (off === undefined) out.unknownZone = m[8];
        else out.ms = ms - off * 60000;
      }
      return out;
    }
  }
  m = ISO.exec(prefix);
  if (m) {
    let ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) + fraction(m[7]);
    if (m[8] && m[8] !== 'Z') ms -= (zoneOffset(m[8]) ?? 0) * 60000;
    return { ms };
  }
  m = RFC3164.exec(prefix);
  if (m) {
    const month = MONTHS[m[1]!];
    if (month !== undefined) {
      const tod = ((Number(m[3]) * 60 + Number(m[4])) * 60 + Number(m[5])) * 1000 + fraction(m[6]);
      return { ms: NaN, noYear: { month, day: Number(m[2]), tod } };
    }
  }
  return null;
}

/** Resolve a year-less stamp against a reference date (the file's modification time): the latest such date not
 * after the reference (a December line in a file written in January belongs to the previous year). */
export function withYear(s: { month: number; day: number; tod: number }, reference: Date): number {
  let year = reference.getUTCFullYear();
  let ms = Date.UTC(year, s.month, s.day) + s.tod;
  if (ms > reference.getTime() + 86400000) ms = Date.UTC(--year, s.month, s.day) + s.tod;
  return ms;
}

/** "HH:MM:SS.mmm" to milliseconds since midnight, or NaN. */
export function parseTimeOfDay(text: string): number {
  const m = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(text);
  if (!m) return NaN;
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + fraction(m[4]);
}

/** Dates lines that carry only a time of day: starts at a base date and moves to the next day whenever the time
 * of day jumps back by more than 12 hours (midnight roll-over). */
export class DayClock {
  private day: number;
  private lastTod = -1;
  constructor(baseDateUtcMidnight: number) {
    this.day = baseDateUtcMidnight;
  }
  at(tod: number): number {
    if (this.lastTod >= 0 && tod < this.lastTod - 12 * 3600000) this.day += 86400000;
    this.lastTod = tod;
    return this.day + tod;
  }
}

/** Dating records that carry only a time of day (SDL/SDI traces), timed from day 0 by a DayClock: the file's
 * modification time marks its last record, so the first record's day is the latest midnight from which the last record
 * (after its roll-overs) is not later than that. Returns the whole days (in ms) to add to every such record. */
export function dayOffsetBefore(reference: Date, lastTime: number): number {
  return Math.floor((reference.getTime() - lastTime) / 86400000) * 86400000;
}

let cachedDay = NaN;
let cachedDayText = '';

function pad2(n: number): string {
  return n < 10 ? '0' + n : '' + n;
}

/** "YYYY-MM-DDTHH:MM:SS.mmm" (UTC) without a Date per call: the day part is cached, the rest is arithmetic. */
function isoParts(ms: number): string {
  const day = Math.floor(ms / 86400000);
  if (day !== cachedDay) {
    cachedDay = day;
    cachedDayText = new Date(day * 86400000).toISOString().slice(0, 10);
  }
  let rest = ms - day * 86400000;
  const milli = Math.floor(rest % 1000);
  rest = Math.floor(rest / 1000);
  const sec = rest % 60;
  rest = (rest - sec) / 60;
  const min = rest % 60;
  const hour = (rest - min) / 60;
  return `${cachedDayText}T${pad2(hour)}:${pad2(min)}:${pad2(sec)}.${milli < 10 ? '00' + milli : milli < 100 ? '0' + milli : milli}`;
}

/** ISO 8601 with milliseconds, or null. */
export function isoTime(ms: number): string | null {
  return Number.isFinite(ms) ? isoParts(ms) + 'Z' : null;
}

/** "9.0 s", "1 min 55 s", "16 min 2 s", "2 h 5 min". */
export function formatDuration(ms: number): string {
  const s = ms / 1000;
  if (Math.abs(s) < 60) return `${s.toFixed(1)} s`;
  const total = Math.round(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  if (h > 0) return m ? `${h} h ${m} min` : `${h} h`;
  return sec ? `${m} min ${sec} s` : `${m} min`;
}

/** "2015-07-02 06:22:31.000" (UTC) for messages, or the time of day when the date is not known. */
export function formatClock(ms: number, dated: boolean): string {
  if (!Number.isFinite(ms)) return '?';
  const iso = isoParts(ms);
  return dated ? `${iso.slice(0, 10)} ${iso.slice(11)}` : iso.slice(11);
}

const DIGIT = (c: number): boolean => c >= 48 && c <= 57;

function num(line: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (line.charCodeAt(i) - 48);
  return n;
}

let lastZone = 'UTC';
let lastZoneOffset: number | undefined = 0;

/** Fast path for the CiscoLog stamp just before a header: "... Jul 02 2015 06:22:31.123 UTC: %" with `end` at the
 * '%'. Reads backwards without allocating; returns epoch ms, or NaN when the text does not have that shape (the caller
 * then falls back to parseSyslogStamp). An unrecognised zone is taken as UTC and named in `scratch.unknownZone`. */
export function ciscoStampBefore(line: string, end: number, scratch: { unknownZone: string }): number {
  let i = end - 1;
  while (i >= 0 && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 58)) i--;
  // zone: letters, or +hh:mm / +hhmm
  const zEnd = i + 1;
  while (i >= 0 && line.charCodeAt(i) !== 32) i--;
  const zStart = i + 1;
  if (zEnd - zStart < 1 || i < 0) return NaN;
  let offset: number | undefined;
  const z0 = line.charCodeAt(zStart);
  if (DIGIT(z0)) {
    // no zone: the token is the time itself
    i = zEnd;
  } else {
    if (zEnd - zStart > 32) return NaN;
    const zone = line.slice(zStart, zEnd);
    if (zone === lastZone) offset = lastZoneOffset;
    else {
      offset = zoneOffset(zone);
      lastZone = zone;
      lastZoneOffset = offset;
    }
  }
  // time HH:MM:SS(.f)
  const tEnd = i;
  let j = tEnd - 1;
  while (j >= 0 && line.charCodeAt(j) !== 32) j--;
  const tStart = j + 1;
  const tLen = tEnd - tStart;
  if (tLen < 8 || line.charCodeAt(tStart + 2) !== 58 || line.charCodeAt(tStart + 5) !== 58) return NaN;
  let frac = 0;
  if (tLen > 8) {
    if (line.charCodeAt(tStart + 8) !== 46) return NaN;
    let scale = 100;
    for (let k = tStart + 9; k < tEnd; k++) {
      const c = line.charCodeAt(k);
      if (!DIGIT(c)) return NaN;
      frac += (c - 48) * scale;
      scale /= 10;
    }
  }
  for (const k of [0, 1, 3, 4, 6, 7]) if (!DIGIT(line.charCodeAt(tStart + k))) return NaN;
  // year
  let y = j - 1;
  const yEnd = j;
  while (y >= 0 && DIGIT(line.charCodeAt(y))) y--;
  if (yEnd - (y + 1) !== 4 || line.charCodeAt(y) !== 32) return NaN;
  const year = num(line, y + 1, yEnd);
  // day (1-2 digits), possibly padded with a second space
  let d = y - 1;
  const dEnd = y;
  while (d >= 0 && DIGIT(line.charCodeAt(d))) d--;
  const dLen = dEnd - (d + 1);
  if (dLen < 1 || dLen > 2 || line.charCodeAt(d) !== 32) return NaN;
  const day = num(line, d + 1, dEnd);
  let m = d - 1;
  if (line.charCodeAt(m) === 32) m--;
  if (m < 2) return NaN;
  const month = MONTHS[line.slice(m - 2, m + 1)];
  if (month === undefined) return NaN;
  const ms = Date.UTC(year, month, day, num(line, tStart, tStart + 2), num(line, tStart + 3, tStart + 5), num(line, tStart + 6, tStart + 8)) + frac;
  if (offset !== undefined) return ms - offset * 60000;
  if (z0 && !DIGIT(z0)) scratch.unknownZone = line.slice(zStart, zEnd);
  return ms;
}

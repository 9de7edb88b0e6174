// One source of truth for settings: the defaults and bounds declared in package.json (contributes.configuration).
// The language server pulls `cucmLens` per resource and normalises it here; the CLI uses the defaults.

import manifest from '../../package.json';

export interface Settings {
  readonly alarms: {
    /** Unregistrations of one device before a period is estimated. */
    readonly flappingMinEvents: number;
    /** How far (relative) an interval may stray from the median and still count as periodic. */
    readonly flappingTolerance: number;
  };
  readonly sip: {
    readonly timerRegisterDelta: number;
    readonly deadlineGrace: number;
    readonly lateTolerance: number;
    readonly slowResponse: number;
  };
  readonly sccp: {
    readonly keepAliveInterval: number;
    readonly backupKeepAliveInterval: number;
    readonly failoverIntervals: number;
  };
  readonly maxDiagnosticsPerFile: number;
  readonly inlayHints: boolean;
  readonly traces: {
    /** Bytes of a trace set's neighbouring files read for context in the editor. */
    readonly neighbourBytes: number;
    /** UTC midnight (ms) of the date to give time-of-day traces, NaN to use the file's modification time. */
    readonly date: number;
  };
  /** The files of a workspace folder analysed together (lsp/cases.ts). */
  readonly case: {
    readonly enabled: boolean;
    readonly maxFiles: number;
    readonly maxBytes: number;
  };
}

interface PropertySchema {
  type: string;
  default: unknown;
  minimum?: number;
  maximum?: number;
}

const PROPS = (manifest as unknown as { contributes: { configuration: { properties: Record<string, PropertySchema> } } })
  .contributes.configuration.properties;

/** Dotted keys below `cucmLens.` that the engine reads. */
export const SETTING_KEYS = Object.keys(PROPS).map((k) => k.replace(/^cucmLens\./, ''));

function lookup(raw: unknown, dotted: string): unknown {
  // VS Code hands the section as nested objects; tolerate flat dotted keys too.
  if (raw && typeof raw === 'object') {
    const flat = (raw as Record<string, unknown>)[dotted];
    if (flat !== undefined) return flat;
    let cur: unknown = raw;
    for (const part of dotted.split('.')) {
      if (!cur || typeof cur !== 'object') return undefined;
      cur = (cur as Record<string, unknown>)[part];
    }
    return cur;
  }
  return undefined;
}

function num(raw: unknown, key: string): number {
  const schema = PROPS['cucmLens.' + key];
  if (!schema) throw new Error(`setting cucmLens.${key} is not declared in package.json`);
  const def = schema.default as number;
  const v = lookup(raw, key);
  if (typeof v !== 'number' || !Number.isFinite(v)) return def;
  let out = v;
  if (schema.minimum !== undefined && out < schema.minimum) out = schema.minimum;
  if (schema.maximum !== undefined && out > schema.maximum) out = schema.maximum;
  return schema.type === 'integer' ? Math.round(out) : out;
}

function bool(raw: unknown, key: string): boolean {
  const schema = PROPS['cucmLens.' + key];
  if (!schema) throw new Error(`setting cucmLens.${key} is not declared in package.json`);
  const v = lookup(raw, key);
  return typeof v === 'boolean' ? v : (schema.default as boolean);
}

/** A YYYY-MM-DD setting as UTC midnight in ms; NaN when empty or not a real date. */
function dateSetting(raw: unknown, key: string): number {
  if (!PROPS['cucmLens.' + key]) throw new Error(`setting cucmLens.${key} is not declared in package.json`);
  const v = lookup(raw, key);
  if (typeof v !== 'string') return NaN;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v.trim());
  if (!m) return NaN;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(t).getUTCDate() === Number(m[3]) ? t : NaN;
}

/** Settings from whatever the client sent (the `cucmLens` section), with defaults and bounds applied. */
export function normaliseSettings(raw: unknown): Settings {
  return {
    alarms: {
      flappingMinEvents: num(raw, 'alarms.flappingMinEvents'),
      flappingTolerance: num(raw, 'alarms.flappingTolerance'),
    },
    sip: {
      timerRegisterDelta: num(raw, 'sip.timerRegisterDelta'),
      deadlineGrace: num(raw, 'sip.deadlineGrace'),
      lateTolerance: num(raw, 'sip.lateTolerance'),
      slowResponse: num(raw, 'sip.slowResponse'),
    },
    sccp: {
      keepAliveInterval: num(raw, 'sccp.keepAliveInterval'),
      backupKeepAliveInterval: num(raw, 'sccp.backupKeepAliveInterval'),
      failoverIntervals: num(raw, 'sccp.failoverIntervals'),
    },
    maxDiagnosticsPerFile: num(raw, 'maxDiagnosticsPerFile'),
    inlayHints: bool(raw, 'inlayHints.enabled'),
    traces: {
      neighbourBytes: num(raw, 'traces.neighbourMegabytes') * 1e6,
      date: dateSetting(raw, 'traces.date'),
    },
    case: {
      enabled: bool(raw, 'case.enabled'),
      maxFiles: num(raw, 'case.maxFiles'),
      maxBytes: num(raw, 'case.maxMegabytes') * 1e6,
    },
  };
}

export const DEFAULT_SETTINGS: Settings = normaliseSettings(undefined);

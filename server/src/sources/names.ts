// Small naming helpers shared by the rules, the case and the ladder.

import type { SourceInfo } from '../model';

/** "10.1.1.5:51234" → "10.1.1.5"; IPv6 endpoints are written "[::1]:5060"; a bare address is returned as is. */
export function hostOf(endpoint: string): string {
  if (endpoint.startsWith('[')) return endpoint.slice(1, endpoint.indexOf(']'));
  const i = endpoint.lastIndexOf(':');
  return i > 0 && endpoint.indexOf(':') === i ? endpoint.slice(0, i) : endpoint;
}

/** A source's file name without its folder (either separator), for messages. */
export function sourceName(sources: readonly SourceInfo[], i: number): string {
  const f = sources[i]?.file ?? `source ${i}`;
  return f.slice(Math.max(f.lastIndexOf('/'), f.lastIndexOf('\\')) + 1);
}

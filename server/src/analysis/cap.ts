// A bound on the findings one rule keeps per source: a pathological input (every frame a retransmission, a registrar
// that never answers) must not turn into unbounded memory. Past the limit findings are counted, and one summary
// finding per rule and source says how many were left out.

import type { Finding } from '../model';

export const MAX_FINDINGS_PER_RULE = 20_000;

export class FindingList {
  readonly list: Finding[] = [];
  private readonly counts = new Map<string, number>();
  private readonly firstDropped = new Map<string, Finding>();

  constructor(private readonly max = MAX_FINDINGS_PER_RULE) {}

  push(f: Finding): void {
    const key = `${f.rule}|${f.loc.source}`;
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    if (n <= this.max) this.list.push(f);
    else if (n === this.max + 1) this.firstDropped.set(key, f);
  }

  /** The kept findings and one summary per rule and source that went over the limit. */
  finish(): Finding[] {
    for (const [key, f] of this.firstDropped) {
      const more = this.counts.get(key)! - this.max;
      this.list.push({
        rule: f.rule, severity: 'information', loc: f.loc, time: f.time, dated: f.dated, related: [],
        message: `${more} more ${f.rule} finding${more === 1 ? '' : 's'} in this source are not listed (the first ${this.max} are; the next would have been here).`,
        evidence: { frame: f.loc.frame, notListed: more, limit: this.max },
      });
    }
    this.firstDropped.clear();
    return this.list;
  }
}

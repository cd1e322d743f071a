// Code look-ups of an ingest job, cached for the whole job: each code is looked up once, the first
// time a batch names it. The cache is pure; the look-up itself is repo.findRefs on the main thread,
// asked by the reading worker too when it prepares batches (decision 85).
import type { EvidenceSpec, ItemRef, Refs, ScopedRef } from './kinds.ts';

export interface NeededCodes { units: string[]; items: string[]; staff: string[] }
/** What the registry holds of the needed codes (absent: unknown code). */
export interface FoundRefs { units: [string, ScopedRef][]; items: [string, ItemRef][]; staff: [string, ScopedRef][] }

export const needsNothing = (n: NeededCodes) => !n.units.length && !n.items.length && !n.staff.length;

export class RefCache implements Refs {
  private readonly units = new Map<string, ScopedRef | null>();
  private readonly items = new Map<string, ItemRef | null>();
  private readonly people = new Map<string, ScopedRef | null>();

  unit(code: string) { return this.units.get(code) ?? undefined; }
  item(code: string) { return this.items.get(code) ?? undefined; }
  staff(code: string) { return this.people.get(code) ?? undefined; }

  /** The codes these records name that have not been looked up yet. */
  missing(spec: EvidenceSpec, values: readonly unknown[]): NeededCodes {
    const want = { units: new Set<string>(), items: new Set<string>(), staff: new Set<string>() };
    for (const v of values) {
      const c = spec.codes(v);
      for (const key of ['units', 'items', 'staff'] as const) for (const code of c[key] ?? []) if (code) want[key].add(code);
    }
    const unseen = <T>(cache: Map<string, T | null>, codes: Set<string>) => [...codes].filter((c) => !cache.has(c));
    return { units: unseen(this.units, want.units), items: unseen(this.items, want.items), staff: unseen(this.people, want.staff) };
  }

  /** Records the look-up of `needed`: what was found, and the rest as unknown. */
  fill(needed: NeededCodes, found: FoundRefs) {
    const put = <T>(cache: Map<string, T | null>, codes: string[], hits: [string, T][]) => {
      const byCode = new Map(hits);
      for (const c of codes) cache.set(c, byCode.get(c) ?? null);
    };
    put(this.units, needed.units, found.units);
    put(this.items, needed.items, found.items);
    put(this.people, needed.staff, found.staff);
  }
}

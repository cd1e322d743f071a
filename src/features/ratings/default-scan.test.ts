import { describe, expect, it } from 'vitest';
import { planDefaultScans, WINDOW_MARGIN_DAYS } from './default-scan.ts';

const DAY = 86_400_000;
const at = (iso: string) => new Date(iso);

describe('planDefaultScans', () => {
  it('looks at everything without a mark, and when asked for a full run', () => {
    const cutoff = at('2026-11-16T00:00:00Z');
    expect(planDefaultScans(null, cutoff)).toEqual([{ kind: 'all', upTo: cutoff }]);
    expect(planDefaultScans({ completedThrough: at('2026-11-15T00:00:00Z'), idThrough: 9 }, cutoff, true)).toEqual([{ kind: 'all', upTo: cutoff }]);
  });

  it('after a run, looks at a window reaching the margin back from the mark and at rows inserted since', () => {
    const mark = { completedThrough: at('2026-11-15T00:00:00Z'), idThrough: 1200 };
    const cutoff = at('2026-11-16T00:00:00Z');
    const after = new Date(mark.completedThrough.getTime() - WINDOW_MARGIN_DAYS * DAY);
    expect(planDefaultScans(mark, cutoff)).toEqual([
      { kind: 'window', after, upTo: cutoff },
      { kind: 'late', idAbove: 1200, upTo: after },
    ]);
  });

  it('with a cutoff before the window (afterDays raised by more than the margin), looks only at late rows up to the cutoff', () => {
    const mark = { completedThrough: at('2026-11-15T00:00:00Z'), idThrough: 5 };
    const cutoff = new Date(mark.completedThrough.getTime() - (WINDOW_MARGIN_DAYS + 3) * DAY);
    expect(planDefaultScans(mark, cutoff)).toEqual([{ kind: 'late', idAbove: 5, upTo: cutoff }]);
  });
});

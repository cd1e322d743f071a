// A batch prepared on the reading worker (decision 85): the ledger lines are those the main thread
// computes for the same rows, codes it cannot resolve are refused by line, and whatever only the
// general path can decide (an id or a transaction code repeated within the batch) is left to it.
import { describe, expect, it } from 'vitest';
import type { Batch, Pending } from './batches.ts';
import { EVIDENCE_SPECS, parseTransaction, type RowContext } from './kinds.ts';
import { insertedLines, lineDefFor } from './ledger.ts';
import { prepareBatch, type PrepareContext } from './prepare.ts';
import { RefCache } from './refs.ts';

const spec = EVIDENCE_SPECS.transactions;
const refs = new RefCache();
refs.fill({ units: ['U1', 'U9'], items: [], staff: [] }, { units: [['U1', { id: 7, path: '1.7', regionPath: '1' }]], items: [], staff: [] });
const context: PrepareContext = {
  spec, def: lineDefFor(spec)!, sourceId: 3,
  ctx: (code): RowContext => ({ inScope: () => true, refs, transactionCode: (externalId) => code() ?? `D-${externalId}` }),
};

function batch(records: Record<string, unknown>[]): Batch {
  const items = records.map((raw, i): Pending => {
    const parsed = parseTransaction({ channel: 'window', acceptedAt: '2025-09-22 09:00:00', unitCode: 'U1', ...raw });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    return { line: i + 1, value: parsed.value, hash: String(i).padStart(64, '0'), ...(raw.transactionCode ? {} : { code: `C-${raw.externalId}` }) };
  });
  return { first: 1, last: records.length, items, errors: [] };
}

describe('prepareBatch', () => {
  it('computes the lines the main thread would, and refuses an unknown unit by line', () => {
    const b = batch([{ externalId: 'A1' }, { externalId: 'A2', unitCode: 'U9' }, { externalId: 'A3', transactionCode: 'TX-0003' }]);
    const at = 1758502800123;
    const p = prepareBatch(context, b, [101, 102, 103], at)!;
    expect(p.count).toBe(2);
    expect(p.errors).toEqual([{ line: 2, field: 'unitCode', reason: expect.any(String) }]);
    const rows = [b.items[0]!, b.items[2]!].map((item, i) => {
      const r = spec.toRow(item.value, context.ctx(() => item.code));
      if (!r.ok) throw new Error('row expected');
      return { id: 101 + i, at: new Date(at), row: { externalId: item.value.externalId, hash: item.hash, values: r.row } };
    });
    expect(p.lines).toEqual(insertedLines(spec, lineDefFor(spec) as never, { id: 0, sourceId: 3 }, rows).map((l) => l.line));
    expect(rows[0]!.row.values[0]).toBe('C-A1'); // the derived code the first stage computed
    expect(Buffer.from(p.columns[0]!).toString()).toBe('\u001f101\u001f102');
  });

  it('leaves to the general path a batch repeating an external id or a transaction code, or with too few ids', () => {
    expect(prepareBatch(context, batch([{ externalId: 'B1' }, { externalId: 'B1' }]), [1, 2], 0)).toBeNull();
    expect(prepareBatch(context, batch([{ externalId: 'B1', transactionCode: 'TX-0001' }, { externalId: 'B2', transactionCode: 'TX-0001' }]), [1, 2], 0)).toBeNull();
    expect(prepareBatch(context, batch([{ externalId: 'B1' }, { externalId: 'B2' }]), [1], 0)).toBeNull();
  });
});

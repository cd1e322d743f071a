// The batch lines of inserted evidence rows written from the values in hand are exactly those of
// the row as it is read back (packedRowText / canonical JSON through entryForRow), which is what
// `probity ledger verify --database` recomputes.
import { describe, expect, it } from 'vitest';
import { batchLine, entryForRow } from '../../ledger/record-types.ts';
import { EVIDENCE_SPECS } from './kinds.ts';
import { insertedLines, storedForm } from './ledger.ts';
import { packedInHand, type InsertedEvidence } from './ledger-lines.ts';
import { EVIDENCE_LEDGER_TYPES } from './ledger-types.ts';

const spec = EVIDENCE_SPECS.transactions;
const def = EVIDENCE_LEDGER_TYPES.service_transaction;
const at = new Date(1735693200123);
const hash = 'ab'.repeat(32);
const row = (id: number, externalId: string, values: unknown[]): InsertedEvidence => ({ id, at, row: { externalId, hash, values } });

describe('insertedLines', () => {
  it('equals the digest of the row as read back, packed or not', () => {
    const rows = [
      row(1, 'B1', ['7K2M9QX4TB1HZ0D8RWCE', 12, 3, null, 'window', 'completed', 1735693200000, 1735779600000, 5]),
      row(2, 'B2 中文 "q"', ['TX-2', '12', '3', '44', 'online', 'accepted', '1735693200000', null, null]),
      row(3, 'B\u001f3', ['TX-3', 12, 3, null, 'window', 'accepted', 1735693200000, null, null]), // no packed form
      row(4, 'B4', ['TX-4', 12, 3, null, 'window', 'accepted', 1735693200000.5, null, null]), // not whole milliseconds
    ];
    const lines = insertedLines(spec, def, { id: 9, sourceId: 2 }, rows);
    rows.forEach((r, i) => {
      expect(lines[i]!.line).toBe(batchLine(entryForRow(def, storedForm(spec, def, 2, 9, r))));
    });
    expect(packedInHand(spec, def, 2, rows[0]!)).toBe(
      'service_transaction\u001f1\u001f2\u001fB1\u001f7K2M9QX4TB1HZ0D8RWCE\u001f12\u001f3\u001f\u001e\u001fwindow\u001fcompleted\u001f1735693200000\u001f1735779600000\u001f5' +
      `\u001f${Buffer.from(hash, 'hex').toString('base64')}\u001f1\u001f1735693200123\u001f1735693200123`,
    );
    expect(packedInHand(spec, def, 2, rows[2]!)).toBeUndefined();
    expect(packedInHand(spec, def, 2, rows[3]!)).toBeUndefined();
  });
});

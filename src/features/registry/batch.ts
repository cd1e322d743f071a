// The shapes shared by every batch write of the registry (bulk import and single API writes alike).

export interface Numbered<T> {
  /** 1-based data row number in the source file (the API uses 1). */
  row: number;
  input: T;
}

export interface RowError {
  row: number;
  field: string;
  reason: string;
}

export interface ChangedRecord {
  type: 'region' | 'unit' | 'staff' | 'service_item';
  id: number;
  code: string;
  version: number;
  inserted: boolean;
  /**
   * The record's row as this transaction stored it, every ledger column included, when the writer
   * has it in hand (bulk staff writes): its ledger entry is computed from it instead of reading it back.
   */
  stored?: Record<string, unknown>;
}

export interface BatchResult {
  changed: ChangedRecord[];
  unchanged: number;
  errors: RowError[];
}

export const emptyBatch = (): BatchResult => ({ changed: [], unchanged: 0, errors: [] });

// What each importable kind of record looks like in a file, and how a batch of it is written.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { FieldCipher } from '../../lib/crypto.ts';
import type { Sealer } from '../../lib/sealer.ts';
import type { Scope } from '../auth/principal.ts';
import type { BatchResult, Numbered } from '../registry/batch.ts';
import { parseRegion, parseServiceItem, parseStaff, parseUnit, type Parsed } from '../registry/rules.ts';
import { applyRegionBatch, applyServiceItemBatch, applyUnitBatch } from '../registry/service.ts';
import { applyStaffBatch, sealStaffBatch } from '../registry/staff-service.ts';
import type { HeaderSpec } from './reader.ts';

export const IMPORT_KINDS = ['regions', 'units', 'staff', 'services'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export interface KindSpec {
  header: HeaderSpec;
  batchSize: number;
  parse: (raw: Record<string, unknown>) => Parsed<any>;
  /**
   * Optional CPU-heavy step (encryption) for a batch of parsed values, through the job's sealer (a
   * worker thread on big files), so it overlaps the reading of the next batch and the previous write.
   */
  prepareBatch?: (values: any[], sealer: Sealer) => Promise<unknown[]>;
  apply: (trx: Transaction<DB> | Kysely<DB>, deps: { cipher: FieldCipher; scope: Scope }, items: Numbered<any>[]) => Promise<BatchResult>;
  /** Fields whose values must be unique within one file (besides code). */
  uniqueFields: string[];
  /**
   * Whether a batch may be written while the one before it is still being written (ImportDeps.writers):
   * true when no row refers to another row of the file (staff refer to units, not to each other;
   * units and regions name parents that may be in an earlier batch).
   */
  concurrentBatches?: boolean;
}

const code = ['编码', '代码'];

export const KINDS: Record<ImportKind, KindSpec> = {
  regions: {
    header: {
      aliases: { code: [...code, '区划代码', '行政区划代码'], name: ['名称', '区划名称'], level: ['级别', '层级'], parentCode: ['上级编码', '上级代码', '上级区划代码'] },
      required: ['code', 'name', 'level'],
    },
    batchSize: 500,
    parse: parseRegion,
    apply: (trx, d, items) => applyRegionBatch(trx, d.scope, items),
    uniqueFields: [],
  },
  units: {
    header: {
      aliases: {
        code: [...code, '单位编码', '单位代码', '统一社会信用代码'], name: ['名称', '单位名称'], category: ['类别', '单位类别', '单位类型'],
        regionCode: ['区划代码', '区划编码', '行政区划代码', '所属区划'], parentCode: ['上级编码', '上级单位编码', '上级单位代码'],
      },
      required: ['code', 'name', 'category', 'regionCode'],
    },
    batchSize: 500,
    parse: parseUnit,
    apply: (trx, d, items) => applyUnitBatch(trx, d.scope, items),
    uniqueFields: [],
  },
  services: {
    header: {
      aliases: {
        code: [...code, '事项编码', '事项代码'], name: ['名称', '事项名称'], unitCode: ['单位编码', '实施单位编码', '实施主体编码'],
        promisedDays: ['承诺时限', '承诺办结时限', '承诺天数', '承诺工作日'],
      },
      required: ['code', 'name', 'unitCode', 'promisedDays'],
    },
    batchSize: 5000,
    parse: parseServiceItem,
    apply: (trx, d, items) => applyServiceItemBatch(trx, d.scope, items),
    uniqueFields: [],
  },
  staff: {
    header: {
      aliases: {
        code: [...code, '工号', '人员编码', '人员代码'], name: ['姓名'], unitCode: ['单位编码', '所在单位编码', '单位代码'],
        position: ['职务', '岗位', '职位'], level: ['层级', '干部层级', '级别'], status: ['状态', '在职状态'],
        enteredOn: ['入职日期', '任职日期', '到岗日期'], departedOn: ['离职日期', '离岗日期'],
        idNumber: ['身份证号', '身份证号码', '公民身份号码'], phone: ['手机', '手机号', '手机号码', '联系电话'],
      },
      required: ['code', 'name', 'unitCode', 'level'],
    },
    batchSize: 4000, // 13 columns × 4,000 rows stays under PostgreSQL's 65,535 bind parameters
    parse: parseStaff,
    prepareBatch: (values, sealer) => sealStaffBatch(sealer, values),
    apply: (trx, d, items) => applyStaffBatch(trx, d.scope, items),
    uniqueFields: ['idNumber'],
    concurrentBatches: true,
  },
};

export function isImportKind(value: string): value is ImportKind {
  return (IMPORT_KINDS as readonly string[]).includes(value);
}

// The evidence kinds: for each, its fields (NDJSON keys; CSV/XLSX header names in English or Chinese),
// how a loose record is checked (pure), and how a checked record becomes a row of its table once
// its codes are resolved. The write itself is generic (see pipeline.ts and repo.ts).
// Parsing runs on the ingest's worker thread too, so this module imports no database code (kysely's
// import alone cost a worker 1.1 s of CPU): the scope check comes in the RowContext.
import type { FieldError } from '../../lib/errors.ts';
import type { HeaderSpec } from '../imports/reader.ts';
import { aliases, FieldReader, scrubSummary, type Parsed } from './fields.ts';
import type { TransactionChannel, TransactionStatus } from './tables.ts';

export const EVIDENCE_KIND_NAMES = ['transactions', 'hotline', 'petitions', 'training', 'audit-findings', 'proposals'] as const;
export type EvidenceKind = (typeof EVIDENCE_KIND_NAMES)[number];
export const isEvidenceKind = (k: string): k is EvidenceKind => (EVIDENCE_KIND_NAMES as readonly string[]).includes(k);

export type EvidenceTable = 'service_transactions' | 'hotline_tickets' | 'petitions' | 'training_records' | 'audit_findings' | 'proposals';

export interface ScopedRef { id: number; path: string; regionPath: string }
export interface ItemRef extends ScopedRef { unitId: number; promisedDays: number }

/** Code look-ups of one batch, already loaded; undefined = unknown code. */
export interface Refs {
  unit(code: string): ScopedRef | undefined;
  item(code: string): ItemRef | undefined;
  staff(code: string): ScopedRef | undefined;
}

export interface RowContext {
  /** Whether the caller's scope covers a unit (registry's unitRefInScope for the caller's scope). */
  inScope: (ref: ScopedRef) => boolean;
  refs: Refs;
  /** The derived public transaction code for a record without one (see codes.ts). */
  transactionCode: (externalId: string) => string;
}

export interface Codes { units: (string | null)[]; items: (string | null)[]; staff: (string | null)[] }

export type RowResult = { ok: true; row: unknown[] } | { ok: false; errors: FieldError[] };

export interface EvidenceSpec<V extends { externalId: string } = any> {
  kind: EvidenceKind;
  table: EvidenceTable;
  /** The record type in ledger entries. */
  recordType: string;
  header: HeaderSpec;
  parse: (raw: Record<string, unknown>) => Parsed<V>;
  codes: (v: V) => Partial<Codes>;
  /** Columns written besides source_id, external_id and content_hash, with their SQL types ('epoch_ms': a timestamptz sent as epoch milliseconds). */
  columns: readonly (readonly [string, string])[];
  toRow: (v: V, ctx: RowContext) => RowResult;
  /** A second unique column (service_transactions.transaction_code), with the field it comes from. */
  unique?: { column: string; field: string; index: number };
}

// ---- helpers shared by the kinds -------------------------------------------------------------

class RowBuilder {
  readonly errors: FieldError[] = [];
  constructor(private readonly ctx: RowContext) {}

  private scoped<R extends ScopedRef>(field: string, code: string | null, found: R | undefined, what: string): R | null {
    if (!code) return null;
    // Outside the caller's scope reads the same as unknown, so existence does not leak.
    if (!found || !this.ctx.inScope(found)) {
      this.errors.push({ path: field, message: `no ${what} has code ${code}` });
      return null;
    }
    return found;
  }
  unit(field: string, code: string | null) { return this.scoped(field, code, code ? this.ctx.refs.unit(code) : undefined, 'unit'); }
  item(field: string, code: string | null) { return this.scoped(field, code, code ? this.ctx.refs.item(code) : undefined, 'service item'); }
  staff(field: string, code: string | null) { return this.scoped(field, code, code ? this.ctx.refs.staff(code) : undefined, 'staff member'); }
  result(row: () => unknown[]): RowResult {
    return this.errors.length ? { ok: false, errors: this.errors } : { ok: true, row: row() };
  }
}

const EXTERNAL_ID = ['外部编号', '业务编号', '记录编号', 'external id', 'source id'];
const UNIT_CODE = ['单位编码', '单位代码', '承办单位编码', '责任单位编码'];
const STAFF_CODE = ['工号', '人员编码', '人员代码'];

// ---- 办件 service transactions ----------------------------------------------------------------

const CHANNELS = aliases<TransactionChannel>({
  window: ['窗口', '线下', '大厅', '窗口办理'],
  online: ['网上', '网办', '在线', '网上办理', 'web', 'pc'],
  mobile: ['移动端', '掌上', '掌上办', 'app', '手机', '小程序'],
  self_service: ['自助', '自助终端', 'self-service', 'kiosk'],
  hotline: ['热线', '电话', '12345'],
});
const STATUSES = aliases<TransactionStatus>({
  accepted: ['受理', '已受理', '办理中', '在办'],
  completed: ['办结', '已办结', '完成'],
  rejected: ['不予受理', '退件', '不予许可', '驳回'],
  withdrawn: ['撤回', '撤件', '撤销'],
});

export interface TransactionInput {
  externalId: string;
  transactionCode: string | null;
  serviceItemCode: string | null;
  unitCode: string | null;
  handlerCode: string | null;
  channel: TransactionChannel;
  status: TransactionStatus;
  /** Epoch milliseconds (as are all times of the kinds). */
  acceptedAt: number;
  completedAt: number | null;
  promisedDays: number | null;
}

export function parseTransaction(raw: Record<string, unknown>): Parsed<TransactionInput> {
  const r = new FieldReader(raw);
  const externalId = r.externalId();
  let transactionCode = r.text('transactionCode', { max: 64 }) || null;
  if (transactionCode && !/^[A-Za-z0-9-]{6,64}$/.test(transactionCode)) {
    r.errors.push({ path: 'transactionCode', message: 'must be 6–64 letters, digits or -' });
    transactionCode = null;
  }
  const serviceItemCode = r.code('serviceItemCode', false);
  const unitCode = r.code('unitCode', false);
  if (!serviceItemCode && !unitCode && !r.errors.some((e) => e.path === 'serviceItemCode' || e.path === 'unitCode')) {
    r.errors.push({ path: 'serviceItemCode', message: 'is required unless unitCode is given' });
  }
  const handlerCode = r.code('handlerCode', false);
  const channel = r.choice('channel', CHANNELS);
  const acceptedAt = r.timestamp('acceptedAt', true);
  const completedAt = r.timestamp('completedAt', false);
  // Without a status, a completion time means the transaction is completed.
  const status = r.choice('status', STATUSES, completedAt !== null ? 'completed' : 'accepted');
  r.notBefore('completedAt', completedAt, 'acceptedAt', acceptedAt);
  if (status === 'completed' && completedAt === null && !r.errors.some((e) => e.path === 'completedAt')) r.errors.push({ path: 'completedAt', message: 'is required when status is completed' });
  if (status === 'accepted' && completedAt !== null) r.errors.push({ path: 'completedAt', message: 'must be empty while status is accepted' });
  const promisedDays = r.integer('promisedDays', 0, 365, false);
  return r.done({ externalId, transactionCode, serviceItemCode, unitCode, handlerCode, channel, status, acceptedAt: acceptedAt!, completedAt, promisedDays });
}

const transactions: EvidenceSpec<TransactionInput> = {
  kind: 'transactions',
  table: 'service_transactions',
  recordType: 'service_transaction',
  header: {
    aliases: {
      externalId: [...EXTERNAL_ID, '办件编号', '申办编号', '受理编号'],
      transactionCode: ['办件查询码', '查询码', '评价码', 'transaction code'],
      serviceItemCode: ['事项编码', '事项代码', '服务事项编码'],
      unitCode: [...UNIT_CODE, '实施单位编码', '办理单位编码'],
      handlerCode: ['经办人工号', '经办人编码', '办理人工号'],
      channel: ['渠道', '办理渠道', '申办渠道'],
      status: ['状态', '办件状态'],
      acceptedAt: ['受理时间'],
      completedAt: ['办结时间'],
      promisedDays: ['承诺时限', '承诺办结时限', '承诺天数', '承诺工作日'],
    },
    required: ['externalId', 'channel', 'acceptedAt'],
  },
  parse: parseTransaction,
  codes: (v) => ({ units: [v.unitCode], items: [v.serviceItemCode], staff: [v.handlerCode] }),
  columns: [
    ['transaction_code', 'text'], ['service_item_id', 'int'], ['unit_id', 'int'], ['handler_staff_id', 'int'], ['channel', 'text'],
    ['status', 'text'], ['accepted_at', 'epoch_ms'], ['completed_at', 'epoch_ms'], ['promised_days', 'int'],
  ],
  unique: { column: 'transaction_code', field: 'transactionCode', index: 0 },
  toRow: (v, ctx) => {
    const b = new RowBuilder(ctx);
    const item = b.item('serviceItemCode', v.serviceItemCode);
    // The unit defaults to the one that implements the service item.
    const unit = v.unitCode ? b.unit('unitCode', v.unitCode) : item ? { id: item.unitId } : null;
    const handler = b.staff('handlerCode', v.handlerCode);
    return b.result(() => [
      v.transactionCode ?? ctx.transactionCode(v.externalId), item?.id ?? null, unit!.id, handler?.id ?? null, v.channel, v.status,
      v.acceptedAt, v.completedAt, v.promisedDays ?? item?.promisedDays ?? null,
    ]);
  },
};

// ---- 12345 hotline tickets -------------------------------------------------------------------

const SATISFACTION = {
  ...aliases<string>({ '5': ['非常满意'], '4': ['满意'], '3': ['基本满意'], '2': ['不满意'], '1': ['非常不满意'] }),
};

export interface HotlineInput {
  externalId: string; unitCode: string; receivedAt: number; respondedAt: number | null; resolvedAt: number | null;
  satisfaction: number | null; category: string; summary: string;
}

function parseHotline(raw: Record<string, unknown>): Parsed<HotlineInput> {
  const r = new FieldReader(raw);
  const externalId = r.externalId();
  const unitCode = r.code('unitCode', true);
  const receivedAt = r.timestamp('receivedAt', true);
  const respondedAt = r.timestamp('respondedAt', false);
  const resolvedAt = r.timestamp('resolvedAt', false);
  r.notBefore('respondedAt', respondedAt, 'receivedAt', receivedAt);
  r.notBefore('resolvedAt', resolvedAt, 'receivedAt', receivedAt);
  const level = r.choice<string | null>('satisfaction', SATISFACTION, null);
  const category = r.text('category', { max: 50 });
  const summary = scrubSummary(r.text('summary'));
  return r.done({ externalId, unitCode: unitCode!, receivedAt: receivedAt!, respondedAt, resolvedAt, satisfaction: level ? Number(level) : null, category, summary });
}

const hotline: EvidenceSpec<HotlineInput> = {
  kind: 'hotline',
  table: 'hotline_tickets',
  recordType: 'hotline_ticket',
  header: {
    aliases: {
      externalId: [...EXTERNAL_ID, '工单编号', '工单号'], unitCode: UNIT_CODE,
      receivedAt: ['受理时间', '来电时间', '接收时间'], respondedAt: ['响应时间', '首次响应时间'], resolvedAt: ['办结时间', '解决时间'],
      satisfaction: ['满意度', '回访满意度'], category: ['类别', '诉求类别', '分类'], summary: ['摘要', '诉求摘要', '内容摘要'],
    },
    required: ['externalId', 'unitCode', 'receivedAt'],
  },
  parse: parseHotline,
  codes: (v) => ({ units: [v.unitCode] }),
  columns: [
    ['unit_id', 'int'], ['received_at', 'epoch_ms'], ['responded_at', 'epoch_ms'], ['resolved_at', 'epoch_ms'],
    ['satisfaction', 'smallint'], ['category', 'text'], ['summary', 'text'],
  ],
  toRow: (v, ctx) => {
    const b = new RowBuilder(ctx);
    const unit = b.unit('unitCode', v.unitCode);
    return b.result(() => [unit!.id, v.receivedAt, v.respondedAt, v.resolvedAt, v.satisfaction, v.category, v.summary]);
  },
};

// ---- 信访 petitions -------------------------------------------------------------------------

export interface PetitionInput { externalId: string; unitCode: string; receivedAt: number; dueAt: number | null; closedAt: number | null; category: string }

function parsePetition(raw: Record<string, unknown>): Parsed<PetitionInput> {
  const r = new FieldReader(raw);
  const externalId = r.externalId();
  const unitCode = r.code('unitCode', true);
  const receivedAt = r.timestamp('receivedAt', true);
  const dueAt = r.timestamp('dueAt', false);
  const closedAt = r.timestamp('closedAt', false);
  r.notBefore('dueAt', dueAt, 'receivedAt', receivedAt);
  r.notBefore('closedAt', closedAt, 'receivedAt', receivedAt);
  const category = r.text('category', { max: 50 });
  return r.done({ externalId, unitCode: unitCode!, receivedAt: receivedAt!, dueAt, closedAt, category });
}

const petitions: EvidenceSpec<PetitionInput> = {
  kind: 'petitions',
  table: 'petitions',
  recordType: 'petition',
  header: {
    aliases: {
      externalId: [...EXTERNAL_ID, '信访编号', '信访件编号'], unitCode: UNIT_CODE,
      receivedAt: ['登记时间', '受理时间', '来信来访时间'], dueAt: ['办理期限', '截止时间', '应办结时间'],
      closedAt: ['办结时间', '结案时间'], category: ['类别', '问题类别'],
    },
    required: ['externalId', 'unitCode', 'receivedAt'],
  },
  parse: parsePetition,
  codes: (v) => ({ units: [v.unitCode] }),
  columns: [['unit_id', 'int'], ['received_at', 'epoch_ms'], ['due_at', 'epoch_ms'], ['closed_at', 'epoch_ms'], ['category', 'text']],
  toRow: (v, ctx) => {
    const b = new RowBuilder(ctx);
    const unit = b.unit('unitCode', v.unitCode);
    return b.result(() => [unit!.id, v.receivedAt, v.dueAt, v.closedAt, v.category]);
  },
};

// ---- training records ---------------------------------------------------------------------

export interface TrainingInput { externalId: string; staffCode: string; course: string; hours: string; completedOn: string }

function parseTraining(raw: Record<string, unknown>): Parsed<TrainingInput> {
  const r = new FieldReader(raw);
  const externalId = r.externalId();
  const staffCode = r.code('staffCode', true);
  const course = r.text('course', { required: true, max: 200 });
  const hours = r.decimal('hours', 1000, 2, true);
  const completedOn = r.date('completedOn', true);
  return r.done({ externalId, staffCode: staffCode!, course, hours: hours!, completedOn: completedOn! });
}

const training: EvidenceSpec<TrainingInput> = {
  kind: 'training',
  table: 'training_records',
  recordType: 'training_record',
  header: {
    aliases: {
      externalId: [...EXTERNAL_ID, '培训记录编号'], staffCode: STAFF_CODE, course: ['课程', '课程名称', '培训名称'],
      hours: ['学时', '培训学时'], completedOn: ['完成日期', '结业日期', '培训日期'],
    },
    required: ['externalId', 'staffCode', 'course', 'hours', 'completedOn'],
  },
  parse: parseTraining,
  codes: (v) => ({ staff: [v.staffCode] }),
  columns: [['staff_id', 'int'], ['course', 'text'], ['hours', 'numeric'], ['completed_on', 'date']],
  toRow: (v, ctx) => {
    const b = new RowBuilder(ctx);
    const staff = b.staff('staffCode', v.staffCode);
    return b.result(() => [staff!.id, v.course, v.hours, v.completedOn]);
  },
};

// ---- audit findings -------------------------------------------------------------------------

const SEVERITIES = aliases({ minor: ['一般', '轻微', '较轻'], major: ['较重', '重要'], severe: ['严重', '重大'] });

export interface AuditInput {
  externalId: string; unitCode: string; staffCode: string | null; foundOn: string; severity: 'minor' | 'major' | 'severe'; summary: string; rectifiedOn: string | null;
}

function parseAudit(raw: Record<string, unknown>): Parsed<AuditInput> {
  const r = new FieldReader(raw);
  const externalId = r.externalId();
  const unitCode = r.code('unitCode', true);
  const staffCode = r.code('staffCode', false);
  const foundOn = r.date('foundOn', true);
  const severity = r.choice('severity', SEVERITIES);
  const summary = scrubSummary(r.text('summary'));
  const rectifiedOn = r.date('rectifiedOn', false);
  r.notBefore('rectifiedOn', rectifiedOn, 'foundOn', foundOn);
  return r.done({ externalId, unitCode: unitCode!, staffCode, foundOn: foundOn!, severity, summary, rectifiedOn });
}

const auditFindings: EvidenceSpec<AuditInput> = {
  kind: 'audit-findings',
  table: 'audit_findings',
  recordType: 'audit_finding',
  header: {
    aliases: {
      externalId: [...EXTERNAL_ID, '问题编号', '审计问题编号'], unitCode: [...UNIT_CODE, '被审计单位编码'], staffCode: [...STAFF_CODE, '责任人工号'],
      foundOn: ['发现日期', '审计日期'], severity: ['严重程度', '问题等级'], summary: ['摘要', '问题摘要'], rectifiedOn: ['整改完成日期', '整改日期'],
    },
    required: ['externalId', 'unitCode', 'foundOn', 'severity'],
  },
  parse: parseAudit,
  codes: (v) => ({ units: [v.unitCode], staff: [v.staffCode] }),
  columns: [['unit_id', 'int'], ['staff_id', 'int'], ['found_on', 'date'], ['severity', 'text'], ['summary', 'text'], ['rectified_on', 'date']],
  toRow: (v, ctx) => {
    const b = new RowBuilder(ctx);
    const unit = b.unit('unitCode', v.unitCode);
    const staff = b.staff('staffCode', v.staffCode);
    return b.result(() => [unit!.id, staff?.id ?? null, v.foundOn, v.severity, v.summary, v.rectifiedOn]);
  },
};

// ---- 人大建议 / 政协提案 deputies' proposals -------------------------------------------------------

const PROPOSAL_KINDS = aliases({ npc: ['人大建议', '人大代表建议', '建议'], cppcc: ['政协提案', '政协委员提案', '提案'] });

export interface ProposalInput { externalId: string; kind: 'npc' | 'cppcc'; unitCode: string; receivedOn: string; dueOn: string; answeredOn: string | null }

function parseProposal(raw: Record<string, unknown>): Parsed<ProposalInput> {
  const r = new FieldReader(raw);
  const externalId = r.externalId();
  const kind = r.choice('kind', PROPOSAL_KINDS);
  const unitCode = r.code('unitCode', true);
  const receivedOn = r.date('receivedOn', true);
  const dueOn = r.date('dueOn', true);
  const answeredOn = r.date('answeredOn', false);
  r.notBefore('dueOn', dueOn, 'receivedOn', receivedOn);
  r.notBefore('answeredOn', answeredOn, 'receivedOn', receivedOn);
  return r.done({ externalId, kind, unitCode: unitCode!, receivedOn: receivedOn!, dueOn: dueOn!, answeredOn });
}

const proposals: EvidenceSpec<ProposalInput> = {
  kind: 'proposals',
  table: 'proposals',
  recordType: 'proposal',
  header: {
    aliases: {
      externalId: [...EXTERNAL_ID, '建议提案编号', '建议编号', '提案编号'], kind: ['类型', '类别'], unitCode: [...UNIT_CODE, '主办单位编码'],
      receivedOn: ['交办日期', '收到日期'], dueOn: ['答复期限', '办理期限'], answeredOn: ['答复日期'],
    },
    required: ['externalId', 'kind', 'unitCode', 'receivedOn', 'dueOn'],
  },
  parse: parseProposal,
  codes: (v) => ({ units: [v.unitCode] }),
  columns: [['kind', 'text'], ['unit_id', 'int'], ['received_on', 'date'], ['due_on', 'date'], ['answered_on', 'date']],
  toRow: (v, ctx) => {
    const b = new RowBuilder(ctx);
    const unit = b.unit('unitCode', v.unitCode);
    return b.result(() => [v.kind, unit!.id, v.receivedOn, v.dueOn, v.answeredOn]);
  },
};

export const EVIDENCE_SPECS: Record<EvidenceKind, EvidenceSpec> = {
  transactions, hotline, petitions, training, 'audit-findings': auditFindings, proposals,
};

/** The field names of each kind, for documentation and error messages. */
export const fieldsOf = (kind: EvidenceKind) => Object.keys(EVIDENCE_SPECS[kind].header.aliases);

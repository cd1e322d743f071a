// Export of a run's results with their breakdowns: CSV (one row per subject, dimension points and
// the sentences) and XLSX (a results sheet and an items sheet, one row per point gained or lost).
import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { notFound } from '../../lib/errors.ts';
import { authorize, type Principal } from '../auth/principal.ts';
import * as repo from './repo.ts';
import { ownOnly, type ResultDocument } from './runs.ts';

const RESULT_HEADER = ['类型 kind', '编号 code', '类别 category', '层级 level', '总分 total', '基础分 basic', '加分 bonus', '减分 deduction', '等次 band', '名额调整前 band before quota', '类别内排名 rank', '类别人数 category size', '末位 bottom 10%', '可晋升 promotion eligible', '一票否决 veto'];
const ITEM_HEADER = ['类型 kind', '编号 code', '指标 indicator', '种类 item kind', '维度 dimension', '状态 status', '得分/扣分 points', '满分/上限 max', '指标值 value', '说明', 'explanation', '证据 evidence'];

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  // Leading = + - @ would be formulas in a spreadsheet: quote them out (CSV injection).
  const safe = /^[=+\-@]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function resultRow(d: ResultDocument) {
  return [d.subject.kind, d.subject.code, d.subject.category, d.subject.level ?? '', d.total, d.basic, d.bonus, d.deduction, d.band.nameZh, d.bandBeforeQuota ?? '', d.rank, d.categorySize, d.bottom ? '是' : '否', d.promotionEligible === null ? '' : d.promotionEligible ? '是' : '否', d.veto ? d.veto.explanation.zh : ''];
}

async function documents(db: Kysely<DB>, principal: Principal | null, runId: number): Promise<ResultDocument[]> {
  const p = authorize(principal, 'scores.read');
  if (!(await repo.findRun(db, runId))) throw notFound(`Scoring run ${runId}`);
  return (await repo.allResults(db, p.scope, runId, ownOnly(p))).map((r) => JSON.parse(r.detail) as ResultDocument);
}

export async function exportCsv(db: Kysely<DB>, principal: Principal | null, runId: number): Promise<string> {
  const docs = await documents(db, principal, runId);
  const dims = [...new Set(docs.flatMap((d) => d.dimensions.map((x) => x.code)))].sort();
  const lines = [[...RESULT_HEADER, ...dims.map((c) => `维度 ${c}`), '说明 explanations'].map(csvCell).join(',')];
  for (const d of docs) {
    const byDim = new Map(d.dimensions.map((x) => [x.code, x.points]));
    lines.push([...resultRow(d), ...dims.map((c) => byDim.get(c) ?? ''), d.items.map((i) => i.explanation.zh).join('；')].map(csvCell).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`; // BOM: Excel on Chinese Windows opens UTF-8 correctly
}

export async function exportXlsx(db: Kysely<DB>, principal: Principal | null, runId: number): Promise<Buffer> {
  const docs = await documents(db, principal, runId);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Probity';
  wb.created = new Date(0); // a fixed date: the same run exports the same workbook contents
  const results = wb.addWorksheet('结果 results');
  results.addRow(RESULT_HEADER);
  for (const d of docs) results.addRow(resultRow(d));
  const items = wb.addWorksheet('明细 items');
  items.addRow(ITEM_HEADER);
  for (const d of docs) {
    for (const i of d.items) items.addRow([d.subject.kind, d.subject.code, i.code, i.kind, i.dimension ?? '', i.status, i.points, i.max, i.value ?? '', i.explanation.zh, i.explanation.en, i.evidence.map((e) => `${e.type}/${e.id}`).join(' ')]);
    if (d.veto) items.addRow([d.subject.kind, d.subject.code, d.veto.code, 'veto', '', 'scored', '', '', '', d.veto.explanation.zh, d.veto.explanation.en, d.veto.evidence.map((e) => `${e.type}/${e.id}`).join(' ')]);
  }
  for (const ws of [results, items]) ws.getRow(1).font = { bold: true };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

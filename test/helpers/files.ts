// Import files for tests and benchmarks, built from the demo generator so every good row is valid,
// with bad rows mixed in at known positions.
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { generateDemoProvince } from '../../src/features/demo/generator.ts';
import type { DemoStaff } from '../../src/features/demo/types.ts';

export const STAFF_HEADER = ['code', 'name', 'unitCode', 'position', 'level', 'status', 'enteredOn', 'departedOn', 'idNumber', 'phone'] as const;

const csvCell = (v: string | null) => (v === null ? '' : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const staffCells = (s: DemoStaff) => STAFF_HEADER.map((k) => s[k] as string | null);

/** The ways a row can be bad, each breaking one field; cycled through by badStaffRow. */
const BREAKERS: { field: string; apply: (s: DemoStaff) => DemoStaff }[] = [
  { field: 'idNumber', apply: (s) => ({ ...s, idNumber: s.idNumber.slice(0, 17) + (s.idNumber[17] === '0' ? '1' : '0') }) },
  { field: 'phone', apply: (s) => ({ ...s, phone: '12' + s.phone.slice(2) }) },
  { field: 'unitCode', apply: (s) => ({ ...s, unitCode: 'NO_SUCH_UNIT' }) },
  { field: 'level', apply: (s) => ({ ...s, level: 'chief' as DemoStaff['level'] }) },
  { field: 'enteredOn', apply: (s) => ({ ...s, status: 'active', enteredOn: '2021-02-30', departedOn: null }) },
];

export interface StaffFile {
  path: string;
  good: number;
  bad: { row: number; field: string }[];
}

/** A staff CSV of `rows` data rows, every `badEvery`-th of them broken in one field. */
export function writeStaffCsv(path: string, rows: number, badEvery = 100, seed = 'file', codePrefix = 'S'): StaffFile {
  const staff = generateDemoProvince({ staff: rows, seed }).staff.map((s) => ({ ...s, code: codePrefix + s.code.slice(1) }));
  const bad: { row: number; field: string }[] = [];
  const lines = [STAFF_HEADER.join(',')];
  staff.forEach((s, i) => {
    let row = s;
    if (badEvery > 0 && (i + 1) % badEvery === 0) {
      const breaker = BREAKERS[bad.length % BREAKERS.length]!;
      row = breaker.apply(s);
      bad.push({ row: i + 2, field: breaker.field });
    }
    lines.push(staffCells(row).map(csvCell).join(','));
  });
  fs.writeFileSync(path, lines.join('\n') + '\n');
  return { path, good: rows - bad.length, bad };
}

/** The demo province's units as a CSV with Chinese headers, as an organisation department exports them. */
export function writeUnitsCsvChinese(path: string): number {
  const { units } = generateDemoProvince({ staff: 0 });
  const lines = ['单位编码,单位名称,单位类别,区划代码,上级单位编码'];
  const label = { window_service: '窗口服务类', law_enforcement: '执法监管类', general_admin: '综合管理类' };
  for (const u of units) lines.push([u.code, u.name, label[u.category], u.regionCode, u.parentCode ?? ''].join(','));
  fs.writeFileSync(path, '\uFEFF' + lines.join('\n') + '\n');
  return units.length;
}

export async function writeStaffXlsx(path: string, staff: DemoStaff[]): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('人员');
  ws.addRow(['工号', '姓名', '单位编码', '职务', '层级', '状态', '入职日期', '离职日期', '身份证号', '手机号']);
  const levels = { leader: '领导干部', base: '一般干部' };
  const statuses = { candidate: '拟任', active: '在职', departed: '离职' };
  for (const s of staff) {
    ws.addRow([s.code, s.name, s.unitCode, s.position, levels[s.level], statuses[s.status], s.enteredOn ? new Date(`${s.enteredOn}T00:00:00Z`) : null, s.departedOn, s.idNumber, s.phone]);
  }
  await wb.xlsx.writeFile(path);
}

// A year of activity in the demo province (1 Oct 2025 – 30 Sep 2026, Beijing time), pure data: service
// transactions (办件) as a government service platform would send them, the public's ratings (好差评)
// of most completed ones, 12345 hotline tickets, and for each 差评 the path its rectification (整改)
// takes. Deterministic: same options → same output. A few units are clearly worse than the rest
// (more 差评, slower), so metrics and rankings have something to show.
import { personName } from './names.ts';
import { createRng, weightedPicker, type Rng } from './rng.ts';
import type { DemoServiceItem } from './types.ts';

export const DEMO_DEFAULT_TRANSACTIONS = 5_000;

/** PROBITY_DEMO_TRANSACTIONS: the demo year's transactions loaded on first start (0 = none). */
export function demoTransactionsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.PROBITY_DEMO_TRANSACTIONS;
  if (raw === undefined || raw === '') return DEMO_DEFAULT_TRANSACTIONS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 10_000_000) throw new RangeError(`PROBITY_DEMO_TRANSACTIONS must be an integer 0..10000000, got "${raw}"`);
  return n;
}
/** The demo year: [start, end) in UTC instants of Beijing midnights. */
export const DEMO_YEAR = { start: Date.parse('2025-10-01T00:00:00+08:00'), end: Date.parse('2026-10-01T00:00:00+08:00') };
const DAY = 86_400_000;

/** The path a 差评's rectification takes; the loader applies it through the rectification service. */
export type RectificationPath =
  | 'open' // left in 核实 (recent ones; or overdue at a worse unit)
  | 'rectifying' // founded, not yet fixed
  | 'revisiting' // fixed, waiting for the 回访 (real-name only)
  | 'resolved' // founded → fixed (→ revisit satisfied) → closed
  | 'redo' // revisit dissatisfied → rectify again → revisit satisfied → closed
  | 'unfounded' // closed as unfounded (核实不属实)
  | 'appealing' // appeal filed, awaiting the inspector
  | 'appeal_upheld' // appeal upheld: rating excluded, closed
  | 'appeal_rejected' // appeal rejected, then fixed and closed
  | 'false'; // closed, then found 虚假整改 by an inspector (back to rectifying)

export interface DemoRating {
  transactionCode: string;
  level: number;
  channel: 'per_visit' | 'per_matter' | 'overall' | 'supervision';
  ratedAt: string;
  comment: string | null;
  realName: { name: string; phone: string } | null;
  /** Set for 差评 (level 1–2). */
  path?: RectificationPath;
}

export interface DemoActivity {
  /** Units clearly worse than the rest (more 差评, slower). */
  worseUnits: string[];
  transactions: Record<string, unknown>[];
  ratings: DemoRating[];
  hotline: Record<string, unknown>[];
}

const CHANNELS = weightedPicker([['window', 5], ['online', 3], ['mobile', 2], ['self_service', 1]] as const);
const RATING_CHANNELS = weightedPicker([['per_matter', 6], ['per_visit', 3], ['overall', 1]] as const);
const BAD_COMMENTS = ['窗口人员态度生硬', '材料要求没有一次性告知', '等候时间太长', '办理超过承诺时限', '网上申报系统多次出错', '让我跑了好几趟'];
const GOOD_COMMENTS = ['办事效率高', '工作人员很耐心', '一次办好，点赞', null, null, null];
const HOTLINE_CATEGORIES = ['政务服务', '市场监管', '城市管理', '社会保障', '住房保障', '交通出行'];

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
/** An instant as Beijing local time with its offset, as source systems write it. */
function beijing(ms: number): string {
  const d = new Date(ms + 8 * 3600_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+08:00`;
}

/** A working-hours instant on day `day` (0-based) of the demo year. */
const officeTime = (rng: Rng, day: number) => DEMO_YEAR.start + day * DAY + (1 + rng.int(0, 7)) * 3600_000 + rng.int(0, 59) * 60_000;

function pathFor(rng: Rng, ageDays: number, worse: boolean, realName: boolean): RectificationPath {
  if (ageDays < 3) return 'open';
  if (ageDays < 20) return weightedPicker<RectificationPath>([['rectifying', 4], [realName ? 'revisiting' : 'resolved', 3], ['appealing', 2], ['open', worse ? 3 : 1]])(rng);
  if (worse && rng.chance(0.15)) return rng.chance(0.5) ? 'open' : 'rectifying'; // overdue
  return weightedPicker<RectificationPath>([['resolved', 60], ['unfounded', 10], ['appeal_upheld', 6], ['appeal_rejected', 6], ['false', worse ? 8 : 3], [realName ? 'redo' : 'resolved', 6]])(rng);
}

export function generateDemoActivity(items: readonly DemoServiceItem[], options: { transactions?: number; seed?: string } = {}): DemoActivity {
  const count = options.transactions ?? DEMO_DEFAULT_TRANSACTIONS;
  if (!Number.isInteger(count) || count < 0 || count > 10_000_000) throw new RangeError(`transactions must be an integer 0–10000000, got ${count}`);
  const rng = createRng(`${options.seed ?? 'probity-demo'}/activity`);
  const units = [...new Set(items.map((i) => i.unitCode))].sort();
  // Three worse units, chosen by the seed among the busiest kind (units with several service items).
  const busy = units.filter((u) => items.filter((i) => i.unitCode === u).length >= 3);
  const worseUnits: string[] = [];
  while (worseUnits.length < Math.min(3, busy.length)) {
    const u = rng.pick(busy);
    if (!worseUnits.includes(u)) worseUnits.push(u);
  }
  const worse = new Set(worseUnits);
  const yearDays = Math.round((DEMO_YEAR.end - DEMO_YEAR.start) / DAY);

  const transactions: Record<string, unknown>[] = [];
  const ratings: DemoRating[] = [];
  for (let n = 1; n <= count; n++) {
    const item = rng.pick(items);
    const bad = worse.has(item.unitCode);
    const day = rng.int(0, yearDays - 1);
    const accepted = officeTime(rng, day);
    const code = `DMT${pad(n, 8)}`;
    const t: Record<string, unknown> = { externalId: `DEMO-${pad(n, 8)}`, transactionCode: code, serviceItemCode: item.code, channel: CHANNELS(rng), acceptedAt: beijing(accepted), promisedDays: item.promisedDays };
    // Open ones only near the end of the year; worse units take longer (often past the promise).
    const open = day > yearDays - 20 && rng.chance(0.4);
    if (!open) {
      const promised = Math.max(1, item.promisedDays);
      const days = bad ? rng.int(0, Math.ceil(promised * 2.2)) : rng.int(0, Math.ceil(promised * 1.05));
      const completed = Math.min(DEMO_YEAR.end - 3600_000, accepted + days * DAY + rng.int(1, 6) * 3600_000);
      Object.assign(t, { status: 'completed', completedAt: beijing(completed) });
      if (rng.chance(0.7)) {
        const ratedAt = Math.min(DEMO_YEAR.end - 60_000, completed + rng.int(10, 72 * 60) * 60_000);
        const isBad = rng.chance(bad ? 0.3 : 0.035);
        const level = isBad ? rng.int(1, 2) : weightedPicker([[5, 6], [4, 3], [3, 1]] as const)(rng);
        const realName = isBad && rng.chance(0.4) ? { name: personName(rng, rng.chance(0.5)), phone: `139${pad(rng.int(0, 99_999_999), 8)}` } : null;
        ratings.push({
          transactionCode: code, level, channel: RATING_CHANNELS(rng), ratedAt: beijing(ratedAt), realName,
          comment: isBad ? rng.pick(BAD_COMMENTS) : rng.pick(GOOD_COMMENTS),
          ...(isBad ? { path: pathFor(rng, (DEMO_YEAR.end - ratedAt) / DAY, bad, Boolean(realName)) } : {}),
        });
      }
    } else t.status = 'accepted';
    transactions.push(t);
  }

  // 12345 hotline: about one ticket per eight transactions, worse units answer later and please fewer.
  const hotline: Record<string, unknown>[] = [];
  for (let n = 1; n <= Math.ceil(count / 8); n++) {
    const unit = rng.pick(units);
    const bad = worse.has(unit);
    const received = DEMO_YEAR.start + rng.int(0, yearDays - 2) * DAY + rng.int(0, 23 * 60) * 60_000;
    const responded = received + rng.int(5, bad ? 60 * 48 : 60 * 20) * 60_000;
    const resolved = responded + rng.int(1, bad ? 15 : 6) * DAY;
    const satisfaction = bad ? weightedPicker([[5, 2], [4, 2], [3, 2], [2, 2], [1, 2]] as const)(rng) : weightedPicker([[5, 6], [4, 3], [3, 1], [2, 0.4], [1, 0.2]] as const)(rng);
    hotline.push({
      externalId: `DEMO-H${pad(n, 7)}`, unitCode: unit, receivedAt: beijing(received), respondedAt: beijing(responded),
      resolvedAt: resolved < DEMO_YEAR.end ? beijing(resolved) : null, satisfaction: resolved < DEMO_YEAR.end ? String(satisfaction) : null,
      category: rng.pick(HOTLINE_CATEGORIES), summary: '市民来电反映办事问题，已转办',
    });
  }
  return { worseUnits, transactions, ratings, hotline };
}

// The sentences that explain every point gained or lost, in Chinese first with English beside
// (pure). Numbers are printed as the engine computed them (two decimals at most).
import type { Band, Curve, EventItem, Named, Veto } from './model.ts';

// Keys in code-unit order (en, zh), like every object of a stored breakdown: canonical JSON then
// serialises them as they are instead of copying them into order (runs.ts, ledger/canonical.ts).
export interface Line { en: string; zh: string }

/** 8.4, 12, 0.96 — at most two decimals, no trailing zeros. */
export const num = (x: number) => String(Math.round(x * 100) / 100);
/** Metric values keep four decimals (rates such as 0.9615). */
export const val = (x: number) => String(Math.round(x * 10000) / 10000);

const CURVE_ZH: Record<Curve['type'], string> = { linear: '线性计分', steps: '分档计分', target: '目标值计分', rank: '同类排名计分' };
const CURVE_EN: Record<Curve['type'], string> = { linear: 'linear curve', steps: 'steps', target: 'against target', rank: 'rank in category' };

export function quantitativeLine(ind: Named & { curve: Curve }, value: number, sample: number, points: number, max: number): Line {
  return {
    en: `${ind.nameEn}: value ${val(value)} (sample ${sample}), ${CURVE_EN[ind.curve.type]}: ${num(points)} of ${num(max)} points`,
    zh: `${ind.nameZh}：指标值${val(value)}（样本${sample}），按${CURVE_ZH[ind.curve.type]}得${num(points)}分（满分${num(max)}分）`,
  };
}

export type InsufficientWhy = 'sample' | 'no_assessor' | 'exempt';

export function insufficientLine(
  ind: Named,
  why: InsufficientWhy,
  detail: { sample?: number; exemptReason?: string; approver?: string },
  rule: 'median' | 'fixed' | 'fixed_no_peers',
  fraction: number,
  points: number,
  max: number,
): Line {
  const whyZh = why === 'sample' ? `证据不足（样本${detail.sample ?? 0}，低于最低样本量）`
    : why === 'no_assessor' ? '尚无考核人员评分'
    : `已列入容错清单（理由：${detail.exemptReason}；批准人：${detail.approver}）`;
  const whyEn = why === 'sample' ? `insufficient evidence (sample ${detail.sample ?? 0}, below the minimum)`
    : why === 'no_assessor' ? 'no assessor has scored it yet'
    : `exempted by the fault-tolerance list (reason: ${detail.exemptReason}; approved by ${detail.approver})`;
  const pct = num(fraction * 100);
  const ruleZh = rule === 'median' ? `按同类别中位数（${pct}%）` : rule === 'fixed' ? `按规定比例${pct}%` : `同类别无可比数据，按规定比例${pct}%`;
  const ruleEn = rule === 'median' ? `scored at the category median (${pct}%)` : rule === 'fixed' ? `scored at the set ${pct}%` : `no peer in the category has evidence, scored at the set ${pct}%`;
  return {
    en: `${ind.nameEn}: ${whyEn}; ${ruleEn}: ${num(points)} of ${num(max)} points`,
    zh: `${ind.nameZh}：${whyZh}，${ruleZh}计${num(points)}分（满分${num(max)}分）`,
  };
}

export function qualitativeLine(ind: Named, levels: string[], points: number, max: number): Line {
  return {
    en: `${ind.nameEn}: rated by ${levels.length} assessor(s) (${levels.join(', ')}), average ${num(points)} of ${num(max)} points`,
    zh: `${ind.nameZh}：${levels.length}名考核人员评定（${levels.join('、')}），平均得${num(points)}分（满分${num(max)}分）`,
  };
}

export function eventItemLine(item: EventItem, dimension: Named | undefined, count: number, points: number): Line {
  const capped = count * item.pointsPer > item.cap;
  const capZh = `（每次${num(item.pointsPer)}分，上限${num(item.cap)}分${capped ? '，已达上限' : ''}）`;
  const capEn = ` (${num(item.pointsPer)} each, at most ${num(item.cap)}${capped ? ', cap reached' : ''})`;
  if (item.kind === 'bonus') {
    return { en: `${item.nameEn} ×${count}: +${num(points)} points${capEn}`, zh: `${item.nameZh}${count}次，加${num(points)}分${capZh}` };
  }
  const dimZh = dimension ? `${dimension.nameZh}分` : '减分项';
  const dimEn = dimension ? ` from ${dimension.nameEn}` : '';
  return { en: `${item.nameEn} ×${count}: −${num(points)} points${dimEn}${capEn}`, zh: `${item.nameZh}${count}次，扣减${dimZh}${num(points)}分${capZh}` };
}

export function partCapLine(kind: 'bonus' | 'deduction', sum: number, cap: number): Line {
  return kind === 'bonus'
    ? { en: `bonus items add up to ${num(sum)}, over the bonus cap: counted as ${num(cap)}`, zh: `加分合计${num(sum)}分，超过加分上限${num(cap)}分，按${num(cap)}分计` }
    : { en: `deductions add up to ${num(sum)}, over the deduction cap: counted as ${num(cap)}`, zh: `减分合计${num(sum)}分，超过减分上限${num(cap)}分，按${num(cap)}分计` };
}

export function vetoLine(veto: Veto, band: Band, detail: string): Line {
  return {
    en: `${veto.nameEn} (${detail}): one-vote veto, band set to ${band.nameEn}`,
    zh: `${veto.nameZh}（${detail}）：一票否决，等次定为${band.nameZh}`,
  };
}

export function exemptEventLine(summary: string, reason: string, approver: string): Line {
  return {
    en: `${summary}: exempted by the fault-tolerance list (reason: ${reason}; approved by ${approver}), not scored`,
    zh: `${summary}：已列入容错清单（理由：${reason}；批准人：${approver}），不计入评分`,
  };
}

export function quotaLine(band: Band, next: Band, allowed: number, unitSize: number, tie: boolean): Line {
  return {
    en: `the unit's ${band.nameEn} quota is ${allowed} of ${unitSize}; not within it by rank${tie ? ' (same total as one within it: decided by higher basic points, then fewer deductions, then code)' : ''}; band set to ${next.nameEn}`,
    zh: `单位${band.nameZh}名额${allowed}个（${unitSize}人），按排名未获名额${tie ? '（与名额内人员总分相同，依次按基础分高、扣分少、编号先后决定）' : ''}，等次定为${next.nameZh}`,
  };
}

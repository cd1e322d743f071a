// Validation of a framework definition (pure): its shape, and the rules a framework must keep —
// weights that add up to 100, dimension floors, bonus and deduction caps within the structure,
// bands in order, known metrics and rubric levels. Every error names the indicator or dimension and
// the rule it breaks, with a JSON pointer into the document.
import type { FieldError } from '../../lib/errors.ts';
import { UNIT_CATEGORIES, type FrameworkDef } from './model.ts';

const CODE = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const EPS = 1e-9;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export interface ValidateOptions {
  /** Metric codes and event types that exist (when given, unknown ones are errors). */
  metrics?: readonly string[];
  events?: readonly string[];
}

/** Returns the errors of a framework definition; empty means valid (and the value is a FrameworkDef). */
export function validateFramework(doc: unknown, opts: ValidateOptions = {}, base = ''): FieldError[] {
  const errors: FieldError[] = [];
  const err = (path: string, message: string) => errors.push({ path: `${base}${path}`, message });
  if (!isObj(doc)) return [{ path: base || '/', message: 'a framework must be a JSON object' }];

  const str = (o: Obj, key: string, path: string, max = 200) => {
    const v = o[key];
    if (typeof v !== 'string' || v.trim() === '' || v.length > max) err(`${path}/${key}`, `${key} must be a non-empty string of at most ${max} characters`);
  };
  const named = (o: Obj, path: string, what: string) => {
    if (typeof o.code !== 'string' || !CODE.test(o.code)) err(`${path}/code`, `${what} code must start with a letter and use letters, digits, _ . - (at most 64)`);
    str(o, 'nameZh', path);
    str(o, 'nameEn', path);
  };
  const label = (o: Obj, what: string) => `${what} ${typeof o.code === 'string' ? o.code : '?'}${typeof o.nameZh === 'string' ? ` (${o.nameZh})` : ''}`;
  const window = (o: Obj, path: string, who: string) => {
    for (const k of ['validFrom', 'validTo'] as const) {
      if (o[k] !== undefined && (typeof o[k] !== 'string' || !DATE.test(o[k] as string))) err(`${path}/${k}`, `${who}: ${k} must be a date YYYY-MM-DD`);
    }
    if (typeof o.validFrom === 'string' && typeof o.validTo === 'string' && o.validFrom > o.validTo) err(`${path}/validTo`, `${who}: validTo is before validFrom`);
    if (o.subjects !== undefined && (!Array.isArray(o.subjects) || o.subjects.length === 0 || o.subjects.some((s) => s !== 'staff' && s !== 'unit'))) {
      err(`${path}/subjects`, `${who}: subjects must be a non-empty list of staff, unit`);
    }
  };

  named(doc, '', 'framework');
  const structure = doc.structure;
  let bonusCap = 20;
  let deductionCap = 20;
  if (!isObj(structure) || !isNum(structure.basic) || !isNum(structure.bonusCap) || !isNum(structure.deductionCap)) {
    err('/structure', 'structure must be { basic, bonusCap, deductionCap } numbers, e.g. 60 + 20 + 20');
  } else {
    bonusCap = structure.bonusCap;
    deductionCap = structure.deductionCap;
    if (structure.basic <= 0 || structure.bonusCap < 0 || structure.deductionCap < 0) err('/structure', 'structure parts must be positive (basic) or zero or more (caps)');
    if (Math.abs(structure.basic + structure.bonusCap + structure.deductionCap - 100) > EPS) {
      err('/structure', `basic ${structure.basic} + bonus ${structure.bonusCap} + deduction ${structure.deductionCap} must add up to 100`);
    }
  }

  // Bands: best first, strictly decreasing minimums, the last starting at 0.
  const bands = doc.bands;
  const bandCodes = new Set<string>();
  if (!Array.isArray(bands) || bands.length < 2) err('/bands', 'bands must list at least two bands, best first');
  else {
    bands.forEach((b, i) => {
      if (!isObj(b)) return err(`/bands/${i}`, 'a band must be an object');
      named(b, `/bands/${i}`, 'band');
      if (!isNum(b.min) || b.min < 0 || b.min > 100) err(`/bands/${i}/min`, `${label(b, 'band')}: min must be between 0 and 100`);
      else if (i > 0 && isObj(bands[i - 1]) && isNum(bands[i - 1].min) && b.min >= (bands[i - 1].min as number)) err(`/bands/${i}/min`, `${label(b, 'band')}: bands must be listed best first with decreasing min`);
      if (typeof b.code === 'string') {
        if (bandCodes.has(b.code)) err(`/bands/${i}/code`, `band ${b.code} is listed twice`);
        bandCodes.add(b.code);
      }
    });
    const last = bands[bands.length - 1];
    if (isObj(last) && last.min !== 0) err(`/bands/${bands.length - 1}/min`, 'the last band must start at 0 (it is also the band a veto forces)');
  }
  if (doc.quota !== null && doc.quota !== undefined) {
    const q = doc.quota;
    if (!isObj(q) || typeof q.band !== 'string' || !isNum(q.share) || q.share <= 0 || q.share > 1) err('/quota', 'quota must be null or { band, share } with 0 < share ≤ 1');
    else if (!bandCodes.has(q.band)) err('/quota/band', `quota names band ${q.band}, which is not in bands`);
  }
  if (!isNum(doc.promotionThreshold) || doc.promotionThreshold < 0 || doc.promotionThreshold > 100) err('/promotionThreshold', 'promotionThreshold must be between 0 and 100');
  if (!isNum(doc.bottomShare) || doc.bottomShare < 0 || doc.bottomShare > 0.5) err('/bottomShare', 'bottomShare must be between 0 and 0.5');
  if (!isNum(doc.insufficientFraction) || doc.insufficientFraction < 0 || doc.insufficientFraction > 1) err('/insufficientFraction', 'insufficientFraction must be between 0 and 1');
  const floors = isObj(doc.floors) ? doc.floors : null;
  if (!floors) err('/floors', 'floors must be an object of dimension code → minimum weight in percent ({} for none)');
  else for (const [k, v] of Object.entries(floors)) if (!isNum(v) || v < 0 || v > 100) err(`/floors/${k}`, `floor of ${k} must be a percentage between 0 and 100`);

  const variants = doc.variants;
  if (!Array.isArray(variants) || variants.length === 0) {
    err('/variants', 'variants must list one variant per unit category');
    return errors;
  }
  const seenCategories = new Set<string>();
  variants.forEach((v, vi) => {
    const vp = `/variants/${vi}`;
    if (!isObj(v)) return err(vp, 'a variant must be an object');
    const cat = v.category as string;
    if (!UNIT_CATEGORIES.includes(cat as never)) err(`${vp}/category`, `category must be one of ${UNIT_CATEGORIES.join(', ')}`);
    else if (seenCategories.has(cat)) err(`${vp}/category`, `category ${cat} has two variants`);
    seenCategories.add(cat);
    const codes = new Set<string>();
    const unique = (o: Obj, path: string, what: string) => {
      if (typeof o.code !== 'string') return;
      if (codes.has(o.code)) err(`${path}/code`, `${label(o, what)}: code ${o.code} is used twice in category ${cat}`);
      codes.add(o.code);
    };

    const dims = v.dimensions;
    if (!Array.isArray(dims) || dims.length === 0) err(`${vp}/dimensions`, `category ${cat}: dimensions must not be empty`);
    else {
      let dimSum = 0;
      const dimCodes = new Set<string>();
      dims.forEach((d, di) => {
        const dp = `${vp}/dimensions/${di}`;
        if (!isObj(d)) return err(dp, 'a dimension must be an object');
        named(d, dp, 'dimension');
        unique(d, dp, 'dimension');
        if (typeof d.code === 'string') dimCodes.add(d.code);
        if (!isNum(d.weight) || d.weight <= 0 || d.weight > 100) err(`${dp}/weight`, `${label(d, 'dimension')}: weight must be a percentage above 0 and at most 100`);
        else {
          dimSum += d.weight;
          const floor = floors && typeof d.code === 'string' ? floors[d.code] : undefined;
          if (isNum(floor) && d.weight + EPS < floor) err(`${dp}/weight`, `${label(d, 'dimension')} in category ${cat}: weight ${d.weight}% is below its floor of ${floor}%`);
        }
        const inds = d.indicators;
        if (!Array.isArray(inds) || inds.length === 0) return err(`${dp}/indicators`, `${label(d, 'dimension')}: indicators must not be empty`);
        let indSum = 0;
        inds.forEach((ind, ii) => {
          const ip = `${dp}/indicators/${ii}`;
          if (!isObj(ind)) return err(ip, 'an indicator must be an object');
          const who = label(ind, 'indicator');
          named(ind, ip, 'indicator');
          unique(ind, ip, 'indicator');
          window(ind, ip, who);
          if (!isNum(ind.weight) || ind.weight <= 0 || ind.weight > 100) err(`${ip}/weight`, `${who}: weight must be a percentage above 0 and at most 100`);
          else indSum += ind.weight;
          if (ind.insufficient !== undefined && ind.insufficient !== 'median' && ind.insufficient !== 'fixed') err(`${ip}/insufficient`, `${who}: insufficient must be median or fixed`);
          if (ind.kind === 'quantitative') {
            if (typeof ind.metric !== 'string' || !ind.metric) err(`${ip}/metric`, `${who}: a quantitative indicator needs a metric code`);
            else if (opts.metrics && !opts.metrics.includes(ind.metric)) err(`${ip}/metric`, `${who}: unknown metric ${ind.metric}`);
            checkCurve(ind.curve, `${ip}/curve`, who, err);
          } else if (ind.kind === 'qualitative') {
            const rubric = ind.rubric;
            if (!Array.isArray(rubric) || rubric.length < 2) err(`${ip}/rubric`, `${who}: a qualitative indicator needs a rubric of at least two levels`);
            else {
              const levels = new Set<string>();
              rubric.forEach((r, ri) => {
                if (!isObj(r) || typeof r.level !== 'string' || !r.level || !isNum(r.fraction) || r.fraction < 0 || r.fraction > 1 || typeof r.nameZh !== 'string' || typeof r.nameEn !== 'string') {
                  err(`${ip}/rubric/${ri}`, `${who}: a rubric level needs level, nameZh, nameEn and a fraction between 0 and 1`);
                } else if (levels.has(r.level)) err(`${ip}/rubric/${ri}/level`, `${who}: rubric level ${r.level} is listed twice`);
                else levels.add(r.level);
              });
            }
          } else err(`${ip}/kind`, `${who}: kind must be quantitative or qualitative inside a dimension (bonus, deduction and veto go in items and vetoes)`);
        });
        if (Math.abs(indSum - 100) > 1e-6 && inds.every((i) => isObj(i) && isNum(i.weight))) {
          err(`${dp}/indicators`, `${label(d, 'dimension')} in category ${cat}: indicator weights add up to ${round(indSum)}%, not 100%`);
        }
      });
      if (Math.abs(dimSum - 100) > 1e-6 && dims.every((d) => isObj(d) && isNum(d.weight))) {
        err(`${vp}/dimensions`, `category ${cat}: dimension weights add up to ${round(dimSum)}%, not 100%`);
      }
      if (floors) for (const f of Object.keys(floors)) if (!dimCodes.has(f)) err(`${vp}/dimensions`, `category ${cat}: has no dimension ${f}, which has a floor of ${floors[f]}%`);
    }

    const items = v.items ?? [];
    if (!Array.isArray(items)) err(`${vp}/items`, 'items must be a list of bonus and deduction items');
    else items.forEach((it, ii) => {
      const ip = `${vp}/items/${ii}`;
      if (!isObj(it)) return err(ip, 'an item must be an object');
      const who = label(it, it.kind === 'bonus' ? 'bonus item' : 'deduction item');
      named(it, ip, 'item');
      unique(it, ip, 'item');
      window(it, ip, who);
      if (it.kind !== 'bonus' && it.kind !== 'deduction') return err(`${ip}/kind`, `${who}: kind must be bonus or deduction`);
      if (typeof it.event !== 'string' || !it.event) err(`${ip}/event`, `${who}: needs an event type`);
      else if (opts.events && !opts.events.includes(it.event)) err(`${ip}/event`, `${who}: unknown event type ${it.event}`);
      if (!isNum(it.pointsPer) || it.pointsPer <= 0) err(`${ip}/pointsPer`, `${who}: pointsPer must be above 0`);
      const partCap = it.kind === 'bonus' ? bonusCap : deductionCap;
      if (!isNum(it.cap) || it.cap <= 0) err(`${ip}/cap`, `${who}: cap must be above 0`);
      else if (it.cap > partCap + EPS) err(`${ip}/cap`, `${who}: cap ${it.cap} is over the ${it.kind} part's cap of ${partCap}`);
      if (it.dimension !== undefined && typeof it.dimension !== 'string') err(`${ip}/dimension`, `${who}: dimension must be a dimension code`);
    });

    const vetoes = v.vetoes ?? [];
    if (!Array.isArray(vetoes)) err(`${vp}/vetoes`, 'vetoes must be a list');
    else vetoes.forEach((x, xi) => {
      const xp = `${vp}/vetoes/${xi}`;
      if (!isObj(x)) return err(xp, 'a veto must be an object');
      const who = label(x, 'veto');
      named(x, xp, 'veto');
      unique(x, xp, 'veto');
      window(x, xp, who);
      const m = x.metric;
      if ((x.event === undefined) === (m === undefined)) err(xp, `${who}: give exactly one of event or metric`);
      if (x.event !== undefined && (typeof x.event !== 'string' || !x.event)) err(`${xp}/event`, `${who}: event must be an event type`);
      else if (typeof x.event === 'string' && opts.events && !opts.events.includes(x.event)) err(`${xp}/event`, `${who}: unknown event type ${x.event}`);
      if (m !== undefined && (!isObj(m) || typeof m.code !== 'string' || (m.op !== '>=' && m.op !== '<=') || !isNum(m.value))) err(`${xp}/metric`, `${who}: metric must be { code, op: ">=" | "<=", value }`);
    });
  });
  return errors;
}

function checkCurve(c: unknown, path: string, who: string, err: (p: string, m: string) => void) {
  if (!isObj(c)) return err(path, `${who}: needs a curve (linear, steps, target or rank)`);
  const dir = () => {
    if (c.direction !== 'higher' && c.direction !== 'lower') err(`${path}/direction`, `${who}: direction must be higher or lower`);
  };
  switch (c.type) {
    case 'linear':
      if (!isNum(c.worst) || !isNum(c.best)) err(path, `${who}: a linear curve needs worst and best numbers`);
      else if (c.worst === c.best) err(path, `${who}: a linear curve needs worst ≠ best`);
      return;
    case 'steps': {
      dir();
      const steps = c.steps;
      if (!Array.isArray(steps) || steps.length === 0) return err(`${path}/steps`, `${who}: steps must not be empty`);
      steps.forEach((s, i) => {
        if (!isObj(s) || !isNum(s.threshold) || !isNum(s.fraction) || s.fraction < 0 || s.fraction > 1) err(`${path}/steps/${i}`, `${who}: a step needs a threshold and a fraction between 0 and 1`);
        else if (i > 0) {
          const prev = steps[i - 1] as Obj;
          const ordered = c.direction === 'lower' ? s.threshold > (prev.threshold as number) : s.threshold < (prev.threshold as number);
          if (!ordered) err(`${path}/steps/${i}`, `${who}: steps must go from the best threshold to the worst`);
        }
      });
      return;
    }
    case 'target':
      dir();
      if (!isNum(c.target) || c.target <= 0) err(`${path}/target`, `${who}: target must be above 0`);
      return;
    case 'rank':
      dir();
      return;
    default:
      err(`${path}/type`, `${who}: curve type must be linear, steps, target or rank`);
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Narrowing helper after validation. */
export const asFramework = (doc: unknown) => doc as FrameworkDef;

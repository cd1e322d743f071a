import { describe, expect, it } from 'vitest';
import { classifyComplaint, CONDUCT_CATEGORIES, type ConductCategory } from './classifier.ts';
import { loadCorpus } from './corpus.ts';

// Written for this test, after the model was trained; none is in the corpus.
const UNSEEN: [ConductCategory, string][] = [
  ['indifference', '办理医保卡时工作人员一直玩手机，问她问题就不耐烦地让我自己看通知。'],
  ['indifference', '派出所窗口的民警说话很冲，我多问了一句就被他吼了回来。'],
  ['buck_passing', '反映楼下商铺噪音，城管说归环保，环保又说归城管，两个部门互相推。'],
  ['buck_passing', '社保局让我去找税务，税务说要社保先处理，来回跑了三趟没人管。'],
  ['extortion', '办理开工手续时，科长暗示要送点礼才给签字，最后我们送了购物卡才办下来。'],
  ['extortion', '检查人员每次来店里都要拿几条烟走，不给就说要罚款。'],
  ['inaction', '我反映路灯坏了已经四个月，每次都说会安排人来修，到现在还是黑的。'],
  ['inaction', '补贴申请交上去大半年了，一直显示审核中，催了也没有任何结果。'],
  ['selective_enforcement', '城管只罚我们这些小摊贩，旁边饭店占道摆桌子因为老板有关系从来没人管。'],
  ['selective_enforcement', '交警只查外地车，本地车随便违停都不管，执法标准不一样。'],
  ['data_fraud', '社区让工作人员冒充居民给自己打满意评价，满意度数据都是假的。'],
  ['data_fraud', '上报的扶贫走访记录是补写的，干部根本没来过，表上却写了十几次。'],
  ['formalism', '每天要在工作群里发照片打卡留痕，还要填一堆重复的表格，正事都没时间干。'],
  ['formalism', '为了迎接检查临时摆花刷墙，检查组走了又全部撤掉，纯属作秀。'],
  ['other', '请问新生儿办理医保需要准备哪些材料？在哪里可以办？'],
  ['other', '建议在公园里多安装一些长椅和路灯，方便老人晚上散步。'],
];

describe('classifyComplaint', () => {
  it('none of the unseen sentences is in the corpus', () => {
    const texts = new Set(loadCorpus().map((e) => e.text));
    for (const [, text] of UNSEEN) expect(texts.has(text), text).toBe(false);
  });

  it.each(UNSEEN)('classifies an unseen %s complaint', (category, text) => {
    const r = classifyComplaint(text);
    expect(r.category).toBe(category);
    expect(r.confidence).toBe(r.scores[category]);
  });

  it('returns a confidence in [0, 1] and scores for every category that sum to 1', () => {
    for (const [, text] of UNSEEN.slice(0, 4)) {
      const r = classifyComplaint(text);
      expect(Object.keys(r.scores).sort()).toEqual([...CONDUCT_CATEGORIES].sort());
      expect(r.confidence).toBeGreaterThan(0);
      expect(r.confidence).toBeLessThanOrEqual(1);
      expect(Math.max(...Object.values(r.scores))).toBe(r.confidence);
      expect(Object.values(r.scores).reduce((s, x) => s + x, 0)).toBeCloseTo(1, 9);
    }
  });

  it('is unsure about a text with nothing to go on', () => {
    const r = classifyComplaint('！！！？？？');
    expect(r.confidence).toBeLessThan(0.5);
  });

  it('takes well under a millisecond per short text once loaded', () => {
    classifyComplaint(UNSEEN[0]![1]);
    // The best of several rounds: the machine is shared, and a busy neighbour should not fail this test.
    const rounds: number[] = [];
    for (let r = 0; r < 10; r++) {
      const started = performance.now();
      for (let i = 0; i < 200; i++) classifyComplaint(UNSEEN[i % UNSEEN.length]![1]);
      rounds.push((performance.now() - started) / 200);
    }
    expect(Math.min(...rounds)).toBeLessThan(1);
  });
});

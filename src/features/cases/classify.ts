// The seam to the complaint-text classifier (src/features/nlp/, built separately). Until it is wired in
// on merge, every case is 'other' with confidence 0, and a person may override the category.
export type ConductCategory =
  | 'indifference' // 态度冷漠
  | 'buck_passing' // 推诿扯皮
  | 'extortion' // 吃拿卡要
  | 'inaction' // 慢作为/不作为
  | 'selective_enforcement' // 选择性执法
  | 'data_fraud' // 数据造假
  | 'formalism' // 形式主义
  | 'other'; // 其他

export const CONDUCT_CATEGORIES: readonly ConductCategory[] = [
  'indifference', 'buck_passing', 'extortion', 'inaction', 'selective_enforcement', 'data_fraud', 'formalism', 'other',
];

export function classifyCase(_text: string): { category: ConductCategory; confidence: number } {
  return { category: 'other', confidence: 0 };
}

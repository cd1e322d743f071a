// The conduct categories a complaint text is classified into (作风问题类别), in the order the model
// stores them. Chinese first, as the product shows them; English for the API and the code.

export const CONDUCT_CATEGORIES = [
  'indifference', // 态度冷漠
  'buck_passing', // 推诿扯皮
  'extortion', // 吃拿卡要
  'inaction', // 慢作为/不作为
  'selective_enforcement', // 选择性执法
  'data_fraud', // 数据造假
  'formalism', // 形式主义
  'other', // 其他
] as const;

export type ConductCategory = (typeof CONDUCT_CATEGORIES)[number];

export const CATEGORY_LABELS: Record<ConductCategory, { zh: string; en: string }> = {
  indifference: { zh: '态度冷漠', en: 'Indifference' },
  buck_passing: { zh: '推诿扯皮', en: 'Buck-passing' },
  extortion: { zh: '吃拿卡要', en: 'Extortion' },
  inaction: { zh: '慢作为/不作为', en: 'Inaction' },
  selective_enforcement: { zh: '选择性执法', en: 'Selective enforcement' },
  data_fraud: { zh: '数据造假', en: 'Data fraud' },
  formalism: { zh: '形式主义', en: 'Formalism' },
  other: { zh: '其他', en: 'Other' },
};

export function isConductCategory(value: unknown): value is ConductCategory {
  return typeof value === 'string' && (CONDUCT_CATEGORIES as readonly string[]).includes(value);
}

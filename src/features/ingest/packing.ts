// A column of a batch packed into one text (decision 28): its values each after U+001F, null as
// U+001E, split again in SQL by string_to_array (repo.ts). No database code here: the reading
// worker thread packs columns too (decision 85). Checked values never hold these control
// characters: FieldReader.text replaces control characters, codes and ids are refused with them,
// and times travel as numbers.

export const SEP = '\u001f';
export const NUL = '\u001e';

export function pack(values: readonly unknown[]): string {
  let out = '';
  for (const v of values) out += SEP + (v === null || v === undefined ? NUL : String(v));
  return out;
}

// The complaint-text classifier other features call (the cases feature on intake): loads the committed
// model (src/features/nlp/model.json) once, on first use, and classifies in well under a millisecond.
import type { ConductCategory } from './categories.ts';
import { predict, readModel, type ModelFile } from './model.ts';

export type { ConductCategory } from './categories.ts';
export { CATEGORY_LABELS, CONDUCT_CATEGORIES } from './categories.ts';

let model: ModelFile | undefined;

/**
 * The most likely conduct category of a complaint text, its calibrated probability (confidence, 0–1)
 * and the probability of every category (they sum to 1). A text with no known word gets the
 * categories' prior, which favours no one strongly; callers may treat low confidence as "needs a person".
 */
export function classifyComplaint(text: string): { category: ConductCategory; confidence: number; scores: Record<ConductCategory, number> } {
  model ??= readModel();
  return predict(model, text);
}

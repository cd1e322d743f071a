// The seam to the complaint-text classifier (src/features/nlp/): a case's conduct category is the
// classifier's guess with its confidence, until a person overrides it (the override is kept beside it).
import { classifyComplaint, CONDUCT_CATEGORIES, type ConductCategory } from '../nlp/classifier.ts';

export { CONDUCT_CATEGORIES, type ConductCategory };

export function classifyCase(text: string): { category: ConductCategory; confidence: number } {
  const { category, confidence } = classifyComplaint(text);
  return { category, confidence };
}

// cases pages' strings (en); spread into en.ts. Every key here must exist in the other language too.
export const casesEn = {
} as const;

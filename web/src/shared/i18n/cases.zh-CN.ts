// cases pages' strings (zh-CN); spread into zh-CN.ts. Every key here must exist in the other language too.
export const casesZhCN = {
} as const;

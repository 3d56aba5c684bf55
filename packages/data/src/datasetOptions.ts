import { z } from 'zod';
import { LtError } from '@lt/core';

/** Options every long-tailed dataset takes, with their defaults. */
export function longTailedOptionsSchema(defaultMaxCount: number) {
  return {
    /** Head count / tail count (IF); 1 keeps a balanced split. */
    imbalance: z.number().min(1).default(100),
    /** Images kept for the head class 0. */
    maxCount: z.number().int().positive().default(defaultMaxCount),
    selection: z.enum(['first', 'random']).default('first'),
  };
}

/** Returns the options validated by `schema`, or throws an LtError naming the dataset and each bad field. */
export function parseDatasetOptions<T>(dataset: string, schema: z.ZodType<T>, options: unknown): T {
  const parsed = schema.safeParse(options ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(options)'}: ${issue.message}`)
      .join('; ');
    throw new LtError('DATA_OPTIONS', `Invalid options for ${dataset}: ${problems}`);
  }
  return parsed.data;
}

import type { z } from 'zod';
import { invalidInput } from './errors';

/** Parses with a zod schema or throws the 400 that names each bad field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw invalidInput(result.error, 'body');
  return result.data;
}

export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const result = schema.safeParse(query ?? {});
  if (!result.success) throw invalidInput(result.error, 'query');
  return result.data;
}

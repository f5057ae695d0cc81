import { z } from "zod";
import { routePathProblem } from "./route-path-problem.ts";

export function positiveInt(max: number) {
  return z
    .int({ error: "must be a positive integer" })
    .positive({ error: "must be a positive integer" })
    .max(max, { error: `must be at most ${max}` });
}

export function nonNegativeInt(max: number) {
  return z
    .int({ error: "must be a non-negative integer" })
    .nonnegative({ error: "must be a non-negative integer" })
    .max(max, { error: `must be at most ${max}` });
}

export const nonEmptyString = z.string({ error: "must be a string" }).min(1, { error: "must not be empty" });

/** Names of issuers, policies and routes: they end up in headers, logs and Redis keys. */
export const name = z.string({ error: "must be a string" }).regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
  error: 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
});

export const routePath = z.string({ error: "must be a string" }).superRefine((path, ctx) => {
  const problem = routePathProblem(path);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** A list without repeats; a repeat is reported at its own index. */
export function uniqueList<T extends z.ZodType>(item: T) {
  return z.array(item, { error: "must be a list" }).superRefine((items, ctx) => {
    const seen = new Set<unknown>();
    items.forEach((value, index) => {
      if (seen.has(value))
        ctx.addIssue({ code: "custom", path: [index], message: `duplicate ${JSON.stringify(value)}` });
      seen.add(value);
    });
  });
}

import { HTTP_METHODS } from "@gateway/types";
import { z } from "zod";
import { nonNegativeInt, uniqueList } from "./primitives.ts";

/**
 * routes[].cors. An origin is compared byte for byte with the browser's Origin
 * header, so it must be written exactly as browsers serialise it; "null" (sent
 * by sandboxed frames and file: pages) is never accepted.
 */
export function corsOriginProblem(text: string): string | undefined {
  if (text === "*") return undefined;
  const hint = 'must be "*" or an exact origin like https://app.example.com (scheme://host[:port])';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return hint;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return hint;
  if (url.origin !== text) {
    return `must be written exactly as browsers send it: "${url.origin}" (lower case, no path, no default port, no trailing slash)`;
  }
  return undefined;
}

const origin = z.string({ error: "must be a string" }).superRefine((text, ctx) => {
  const problem = corsOriginProblem(text);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** An HTTP field name (RFC 9110 token), compared case-insensitively, so stored in lower case. */
export const headerName = z
  .string({ error: "must be a string" })
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { error: "must be an HTTP header name" })
  .refine((name) => name !== "*", { error: '"*" is not supported: list the header names' })
  .transform((name) => name.toLowerCase());

export const corsSchema = z.strictObject({
  origins: uniqueList(origin).min(1, { error: 'must list at least one origin (or "*")' }),
  /** Optional here: defaults to the route's methods after the semantic checks. */
  methods: uniqueList(z.enum(HTTP_METHODS)).min(1, { error: "must list at least one method" }).optional(),
  headers: uniqueList(headerName).default(() => []),
  exposeHeaders: uniqueList(headerName).default(() => []),
  credentials: z.boolean({ error: "must be true or false" }).default(false),
  maxAgeSeconds: nonNegativeInt(86_400).default(600),
});

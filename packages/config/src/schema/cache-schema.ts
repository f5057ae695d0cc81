import { z } from "zod";
import { nonNegativeInt, positiveInt, uniqueList } from "./primitives.ts";

/** RFC 9110 field-name token; stored lower case. */
const headerName = z
  .string({ error: "must be a string" })
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { error: "must be an HTTP header name" })
  .transform((name) => name.toLowerCase());

const DAY = 86_400;

/** routes[].cache: the edge's RFC 9111 shared cache for this route (docs/caching.md). */
export const cacheSchema = z.strictObject({
  enabled: z.boolean({ error: "must be true or false" }).default(true),
  defaultTtlSeconds: nonNegativeInt(365 * DAY).default(0),
  keyBy: uniqueList(z.enum(["consumer", "tenant"])).default(() => []),
  vary: uniqueList(headerName).default(() => []),
  staleWhileRevalidateSeconds: nonNegativeInt(30 * DAY).default(0),
  staleIfErrorSeconds: nonNegativeInt(30 * DAY).default(0),
  maxBodyBytes: positiveInt(100 * 1024 * 1024).default(5 * 1024 * 1024),
  stripTargetedHeaders: z.boolean({ error: "must be true or false" }).default(true),
  shareSetCookie: z.boolean({ error: "must be true or false" }).default(false),
});

import { CONTINENT_CODES } from "@gateway/types";
import { z } from "zod";
import { requestHeaderProblem } from "./managed-headers.ts";
import { name, nonNegativeInt, uniqueList } from "./primitives.ts";
import { upstreamSchema } from "./resilience-schema.ts";
import { headerMap } from "./transform-schema.ts";

/** routes[].split (docs/traffic.md): upstream groups picked per request by match rules, then weights. */

export const MAX_SPLIT_VARIANTS = 16;

const country = z
  .string({ error: "must be a string" })
  .regex(/^[A-Za-z][A-Za-z0-9]$/, { error: 'must be a two-letter ISO 3166-1 country code like "DE"' })
  .transform((code) => code.toUpperCase());

const cookieName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const matchSchema = z
  .strictObject({
    headers: headerMap({
      templates: false,
      what: "match values",
      verb: "matched",
      forbidden: (header) => {
        const problem = requestHeaderProblem(header);
        return problem && `${problem}, so clients cannot send it`;
      },
    }).default(() => []),
    cookies: z
      .record(z.string(), z.union([z.string(), z.number()]).transform(String), {
        error: "must be a mapping of cookie name to value",
      })
      .superRefine((map, ctx) => {
        for (const [cookie, value] of Object.entries(map)) {
          if (!cookieName.test(cookie))
            ctx.addIssue({ code: "custom", path: [cookie], message: "is not a cookie name" });
          else if (!/^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/.test(value))
            ctx.addIssue({ code: "custom", path: [cookie], message: "is not a cookie value (RFC 6265)" });
        }
      })
      .transform((map) => Object.entries(map).map(([cookie, value]) => ({ name: cookie, value })))
      .default(() => []),
    countries: uniqueList(country).default(() => []),
    continents: uniqueList(z.enum(CONTINENT_CODES)).default(() => []),
  })
  .superRefine((match, ctx) => {
    const conditions =
      match.headers.length + match.cookies.length + match.countries.length + match.continents.length;
    if (conditions === 0)
      ctx.addIssue({
        code: "custom",
        message: "must name at least one header, cookie, country or continent",
      });
  });

const variantSchema = z.strictObject({
  name,
  upstream: upstreamSchema,
  weight: nonNegativeInt(10_000).default(0),
  match: matchSchema.optional(),
});

export const splitSchema = z
  .strictObject({
    variants: z
      .array(variantSchema, { error: "must be a list" })
      .min(2, { error: "must list at least two variants" })
      .max(MAX_SPLIT_VARIANTS, { error: `must list at most ${MAX_SPLIT_VARIANTS} variants` }),
    sticky: z.enum(["none", "consumer", "client_ip"]).default("none"),
  })
  .superRefine((split, ctx) => {
    const seen = new Map<string, number>();
    split.variants.forEach((variant, index) => {
      const first = seen.get(variant.name);
      if (first !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["variants", index, "name"],
          message: `duplicate variant name "${variant.name}" (also at variants[${first}])`,
        });
      else seen.set(variant.name, index);
    });
    if (split.variants.every((variant) => variant.weight === 0))
      ctx.addIssue({
        code: "custom",
        path: ["variants"],
        message: "at least one variant needs a weight above 0 (it takes the requests no match rule picks)",
      });
  });

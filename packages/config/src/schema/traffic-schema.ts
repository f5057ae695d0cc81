import { CONTINENT_CODES } from "@gateway/types";
import { z } from "zod";
import { formatCidr, parseCidr } from "../cidr/index.ts";
import { headerName } from "./cors-schema.ts";
import { uniqueList } from "./primitives.ts";

/** Per list: enough for real allowlists, small enough to keep the edge bundle and its compile cheap. */
export const MAX_CIDRS_PER_LIST = 1000;
export const MAX_COUNTRIES_PER_LIST = 300;

const cidr = z.string({ error: "must be a string" }).superRefine((text, ctx) => {
  const parsed = parseCidr(text);
  if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.reason });
  else if (parsed.hostBitsSet) {
    ctx.addIssue({
      code: "custom",
      message: `${JSON.stringify(text)} has bits set past the prefix: write ${formatCidr(parsed.cidr)}`,
    });
  }
});

const cidrList = uniqueList(cidr)
  .max(MAX_CIDRS_PER_LIST, { error: `must list at most ${MAX_CIDRS_PER_LIST} networks` })
  .default(() => []);

/** ipRules (global) and routes[].ipRules. */
export const ipRulesSchema = z.strictObject({ allow: cidrList, deny: cidrList });

const country = z
  .string({ error: "must be a string" })
  .regex(/^[A-Za-z][A-Za-z0-9]$/, { error: 'must be a two-letter ISO 3166-1 country code like "DE"' })
  .transform((code) => code.toUpperCase());

const countryList = uniqueList(country)
  .max(MAX_COUNTRIES_PER_LIST, { error: `must list at most ${MAX_COUNTRIES_PER_LIST} countries` })
  .default(() => []);

const continentList = uniqueList(z.enum(CONTINENT_CODES)).default(() => []);

/** routes[].geo: refusal by country / continent. */
export const geoRuleSchema = z.strictObject({
  allowCountries: countryList,
  denyCountries: countryList,
  allowContinents: continentList,
  denyContinents: continentList,
  status: z.union([z.literal(451), z.literal(403)], { error: "must be 451 or 403" }).default(451),
});

/** geo (global): where the client's location comes from. */
export const geoSourceSchema = z.strictObject({
  countryHeader: headerName.optional(),
  continentHeader: headerName.optional(),
});

/** An RFC 3339 date-time with a zone ("2026-01-31T00:00:00Z") or a date ("2026-01-31", midnight UTC) → unix seconds. */
const instant = z
  .string({ error: "must be a date like 2026-01-31 or 2026-01-31T00:00:00Z" })
  .transform((text, ctx) => {
    const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
    const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/.test(text);
    const ms = Date.parse(dateOnly ? `${text}T00:00:00Z` : text);
    if ((!dateOnly && !dateTime) || Number.isNaN(ms) || !sameCalendarDate(text)) {
      ctx.addIssue({ code: "custom", message: "must be a date like 2026-01-31 or 2026-01-31T00:00:00Z" });
      return z.NEVER;
    }
    return Math.floor(ms / 1000);
  });

// Date.parse rolls 2026-02-30 over to March; the written day must exist.
function sameCalendarDate(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split("-").map(Number);
  const probe = new Date(Date.UTC(year as number, (month as number) - 1, day as number));
  return probe.getUTCDate() === day && probe.getUTCMonth() === (month as number) - 1;
}

/** routes[].deprecation */
export const deprecationSchema = z
  .strictObject({
    since: instant,
    sunset: instant.optional(),
    link: z
      .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
      .refine((url) => !/[<>\s]/.test(url), { error: "must not contain <, > or spaces" })
      .optional(),
  })
  .superRefine((value, ctx) => {
    if (value.sunset !== undefined && value.sunset < value.since) {
      ctx.addIssue({
        code: "custom",
        path: ["sunset"],
        message: "must not be earlier than since (RFC 9745 §3)",
      });
    }
  });

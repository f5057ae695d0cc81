import { z } from "zod";
import { parseTemplate } from "../transform/template.ts";
import { headerName } from "./cors-schema.ts";
import { requestHeaderProblem, responseHeaderProblem } from "./managed-headers.ts";
import { positiveInt, uniqueList } from "./primitives.ts";

/**
 * routes[].transform (docs/traffic.md): header rules for the request central
 * sends to the service and for the response it relays, query renames, and the
 * JSON envelope. Which header names a rule may touch is checked in
 * ../semantic/transform-rules.ts (it depends on identity.stripHeaders).
 */

export const DEFAULT_ENVELOPE_MAX_BODY_BYTES = 1024 * 1024;
export const MAX_ENVELOPE_BODY_BYTES = 16 * 1024 * 1024;
const MAX_HEADER_VALUE_LENGTH = 4096;
const MAX_RULES = 64;

// Visible ASCII, spaces and tabs, and obs-text (RFC 9110 §5.5); never CR, LF or NUL.
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** A YAML scalar as a header value: `x-canary: 1` is the string "1". */
const scalar = z
  .union([z.string(), z.number(), z.boolean()], { error: "must be a string" })
  .transform((value) => String(value));

/**
 * A mapping of header name → value, kept as a list of { name, value } with the
 * name lower case. `templates`: values may use ${…} variables (request headers);
 * otherwise a value is literal and `${` is refused.
 */
export function headerMap(options: {
  templates: boolean;
  what?: string;
  /** Why a rule may not use this (lower-case) header name; `verb` is "set" or "matched". */
  forbidden?: (lowerName: string) => string | undefined;
  verb?: string;
}) {
  return z
    .record(z.string(), scalar, { error: "must be a mapping of header name to value" })
    .superRefine((map, ctx) => {
      const seen = new Set<string>();
      const entries = Object.entries(map);
      if (entries.length > MAX_RULES)
        ctx.addIssue({ code: "custom", message: `must list at most ${MAX_RULES} headers` });
      for (const [name, value] of entries) {
        if (!HEADER_NAME.test(name)) {
          ctx.addIssue({ code: "custom", path: [name], message: "is not an HTTP header name" });
          continue;
        }
        if (seen.has(name.toLowerCase()))
          ctx.addIssue({
            code: "custom",
            path: [name],
            message: "is listed twice (header names ignore case)",
          });
        seen.add(name.toLowerCase());
        const problem = options.forbidden?.(name.toLowerCase());
        if (problem) {
          ctx.addIssue({
            code: "custom",
            path: [name],
            message: `cannot be ${options.verb ?? "set"} by a rule: ${problem}`,
          });
          continue;
        }
        if (value.length > MAX_HEADER_VALUE_LENGTH || !HEADER_VALUE.test(value)) {
          ctx.addIssue({
            code: "custom",
            path: [name],
            message: `must be at most ${MAX_HEADER_VALUE_LENGTH} characters without control characters (no CR, LF or NUL)`,
          });
          continue;
        }
        if (!value.includes("${")) continue;
        if (!options.templates) {
          ctx.addIssue({
            code: "custom",
            path: [name],
            message: `${options.what ?? "values"} are literal: variables like \${identity.sub} are only available in request headers`,
          });
          continue;
        }
        const parsed = parseTemplate(value);
        if (!parsed.ok) ctx.addIssue({ code: "custom", path: [name], message: parsed.reason });
      }
    })
    .transform((map) => Object.entries(map).map(([name, value]) => ({ name: name.toLowerCase(), value })));
}

function headerOps(templates: boolean, what: string, forbidden: (lowerName: string) => string | undefined) {
  const map = headerMap({ templates, what, forbidden });
  return z.strictObject({
    remove: uniqueList(headerName)
      .max(MAX_RULES, { error: `must list at most ${MAX_RULES} headers` })
      .superRefine((names, ctx) => {
        names.forEach((name, index) => {
          const problem = forbidden(name);
          if (problem)
            ctx.addIssue({
              code: "custom",
              path: [index],
              message: `${name} cannot be removed by a rule: ${problem}`,
            });
        });
      })
      .default(() => []),
    set: map.default(() => []),
    add: map.default(() => []),
  });
}

const queryName = z
  .string({ error: "must be a string" })
  .min(1, { error: "must not be empty" })
  .max(128, { error: "must be at most 128 characters" })
  .regex(/^[^\s&=#]+$/, { error: 'must not contain spaces, "&", "=" or "#"' });

const querySchema = z
  .strictObject({
    rename: z
      .record(z.string(), queryName, { error: "must be a mapping of parameter name to new name" })
      .superRefine((map, ctx) => {
        for (const from of Object.keys(map)) {
          const problem = queryName.safeParse(from);
          if (!problem.success)
            ctx.addIssue({ code: "custom", path: [from], message: "is not a valid parameter name" });
        }
      })
      .transform((map) => Object.entries(map).map(([from, to]) => ({ from, to })))
      .default(() => []),
    remove: uniqueList(queryName).default(() => []),
  })
  .superRefine((query, ctx) => {
    for (const { from } of query.rename) {
      if (query.remove.includes(from))
        ctx.addIssue({ code: "custom", path: ["rename", from], message: "is also listed in remove" });
    }
  });

const envelopeSchema = z
  .union(
    [
      z.boolean(),
      z.strictObject({
        maxBodyBytes: positiveInt(MAX_ENVELOPE_BODY_BYTES).default(DEFAULT_ENVELOPE_MAX_BODY_BYTES),
      }),
    ],
    { error: "must be true, false or a mapping { maxBodyBytes }" },
  )
  .transform((envelope) =>
    envelope === false
      ? undefined
      : envelope === true
        ? { maxBodyBytes: DEFAULT_ENVELOPE_MAX_BODY_BYTES }
        : envelope,
  );

export const transformSchema = z.strictObject({
  request: z
    .strictObject({
      headers: headerOps(true, "request header values", requestHeaderProblem).prefault({}),
      query: querySchema.prefault({}),
    })
    .optional(),
  response: z
    .strictObject({
      headers: headerOps(false, "response header values", responseHeaderProblem).prefault({}),
      envelope: envelopeSchema.optional(),
    })
    .transform(({ envelope, ...response }) => ({
      ...response,
      ...(envelope === undefined ? {} : { envelope }),
    }))
    .optional(),
});

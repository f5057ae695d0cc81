/**
 * Header value templates of request transforms: literal text with `${name}`
 * references to a fixed set of per-request facts. No expressions, no nesting,
 * no escapes: a value is parsed once at start-up into literal and variable parts.
 */

export const TEMPLATE_VARIABLES = [
  "identity.sub",
  "identity.consumer",
  "identity.auth",
  "identity.roles",
  "identity.scopes",
  "identity.tenant",
  "request.id",
  "request.method",
  "route.name",
  "route.variant",
  "client.ip",
  "client.country",
  "client.continent",
] as const;

export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

export type TemplatePart = { literal: string } | { variable: TemplateVariable };

export type TemplateResult = { ok: true; parts: TemplatePart[] } | { ok: false; reason: string };

const KNOWN: ReadonlySet<string> = new Set(TEMPLATE_VARIABLES);

/** Namespaces of template variables: the env interpolation leaves `${identity.…}` and the like alone. */
export const TEMPLATE_NAMESPACES = ["identity", "request", "route", "client"] as const;

export function parseTemplate(text: string): TemplateResult {
  const parts: TemplatePart[] = [];
  let index = 0;
  while (index < text.length) {
    const open = text.indexOf("${", index);
    if (open === -1) {
      parts.push({ literal: text.slice(index) });
      break;
    }
    if (open > index) parts.push({ literal: text.slice(index, open) });
    const close = text.indexOf("}", open + 2);
    if (close === -1) return { ok: false, reason: `unterminated "\${" in ${JSON.stringify(text)}` };
    const name = text.slice(open + 2, close);
    if (!KNOWN.has(name)) {
      return {
        ok: false,
        reason: `unknown variable "\${${name}}" (known: ${TEMPLATE_VARIABLES.join(", ")})`,
      };
    }
    parts.push({ variable: name as TemplateVariable });
    index = close + 1;
  }
  return { ok: true, parts };
}

export function usesVariables(parts: readonly TemplatePart[]): boolean {
  return parts.some((part) => "variable" in part);
}

/** Expands parsed parts; a variable without a value (no tenant, unknown country) becomes "". */
export function renderTemplate(
  parts: readonly TemplatePart[],
  lookup: (variable: TemplateVariable) => string | undefined,
): string {
  let out = "";
  for (const part of parts) out += "literal" in part ? part.literal : (lookup(part.variable) ?? "");
  return out;
}

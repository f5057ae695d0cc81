/**
 * google.api.http path templates (google/api/http.proto):
 *
 *   Template = "/" Segments [ Verb ] ;
 *   Segments = Segment { "/" Segment } ;
 *   Segment  = "*" | "**" | LITERAL | Variable ;
 *   Variable = "{" FieldPath [ "=" Segments ] "}" ;
 *   FieldPath = IDENT { "." IDENT } ;
 *   Verb     = ":" LITERAL ;
 *
 * `{x}` is `{x=*}`. `**` (zero or more segments) may only be the last segment.
 */

export type TemplateSegment = { kind: "literal"; value: string } | { kind: "wildcard" } | { kind: "deep" };

export interface TemplateVariable {
  /** Proto field names from the request message down to the bound field. */
  fieldPath: string[];
  /** Index of its first segment in `segments`. */
  start: number;
  /** One past its last segment. */
  end: number;
}

export interface PathTemplate {
  source: string;
  segments: TemplateSegment[];
  variables: TemplateVariable[];
  verb?: string;
}

export class TemplateError extends Error {}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
// RFC 3986 pchar without "%" (escapes are not allowed in templates) and without ":" (the verb separator).
const LITERAL = /^[A-Za-z0-9\-._~!$&'()+,;=@]+$/;

export function parseTemplate(source: string): PathTemplate {
  if (!source.startsWith("/")) throw new TemplateError("must start with /");
  const { body, verb } = splitVerb(source.slice(1));
  const segments: TemplateSegment[] = [];
  const variables: TemplateVariable[] = [];
  for (const part of body === "" ? [] : splitOutsideBraces(body, "/")) {
    if (part.startsWith("{")) {
      if (!part.endsWith("}")) throw new TemplateError(`unterminated variable "${part}"`);
      variables.push(parseVariable(part.slice(1, -1), segments));
    } else {
      segments.push(parseSegment(part));
    }
  }
  const deepAt = segments.findIndex((segment) => segment.kind === "deep");
  if (deepAt !== -1 && deepAt !== segments.length - 1)
    throw new TemplateError('"**" must be the last segment');
  const seen = new Set<string>();
  for (const variable of variables) {
    const name = variable.fieldPath.join(".");
    if (seen.has(name)) throw new TemplateError(`field "${name}" is bound twice`);
    seen.add(name);
  }
  return { source, segments, variables, ...(verb === undefined ? {} : { verb }) };
}

function parseVariable(inner: string, segments: TemplateSegment[]): TemplateVariable {
  const equals = inner.indexOf("=");
  const fieldText = equals === -1 ? inner : inner.slice(0, equals);
  const fieldPath = fieldText.split(".");
  if (!fieldPath.every((part) => IDENT.test(part)))
    throw new TemplateError(`"${fieldText}" is not a field path`);
  const start = segments.length;
  const pattern = equals === -1 ? "*" : inner.slice(equals + 1);
  if (pattern === "") throw new TemplateError(`variable "${fieldText}" has an empty pattern`);
  for (const part of pattern.split("/")) {
    if (part.includes("{") || part.includes("}")) throw new TemplateError("variables cannot be nested");
    segments.push(parseSegment(part));
  }
  return { fieldPath, start, end: segments.length };
}

function parseSegment(part: string): TemplateSegment {
  if (part === "*") return { kind: "wildcard" };
  if (part === "**") return { kind: "deep" };
  if (part === "") throw new TemplateError("empty segment");
  if (!LITERAL.test(part)) throw new TemplateError(`invalid literal segment "${part}"`);
  return { kind: "literal", value: part };
}

/** The verb is a ":" after the last "/" that is outside braces. */
function splitVerb(text: string): { body: string; verb?: string } {
  let depth = 0;
  let lastSlash = -1;
  let colon = -1;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "{") depth++;
    else if (char === "}") depth--;
    else if (depth === 0 && char === "/") {
      lastSlash = i;
      colon = -1;
    } else if (depth === 0 && char === ":" && colon === -1) colon = i;
    if (depth < 0 || depth > 1) throw new TemplateError("unbalanced or nested braces");
  }
  if (depth !== 0) throw new TemplateError("unbalanced braces");
  if (colon === -1 || colon < lastSlash) return { body: text };
  const verb = text.slice(colon + 1);
  if (!LITERAL.test(verb)) throw new TemplateError(`invalid verb "${verb}"`);
  return { body: text.slice(0, colon), verb };
}

function splitOutsideBraces(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of text) {
    if (char === "{") depth++;
    if (char === "}") depth--;
    if (char === separator && depth === 0) {
      parts.push(current);
      current = "";
    } else current += char;
  }
  parts.push(current);
  return parts;
}

/**
 * What two templates that can match the same paths have in common: the same
 * segments (variable names aside) and verb. Used to report colliding rules.
 */
export function templateShape(template: PathTemplate): string {
  const parts = template.segments.map((segment) =>
    segment.kind === "literal" ? `=${segment.value}` : segment.kind === "wildcard" ? "*" : "**",
  );
  return `/${parts.join("/")}${template.verb === undefined ? "" : `:${template.verb}`}`;
}

import type { PathTemplate, TemplateSegment } from "./template.ts";

export interface MatcherEntry<T> {
  /** Upper-case HTTP method. */
  method: string;
  template: PathTemplate;
  value: T;
}

export type MatchResult<T> =
  | {
      kind: "match";
      value: T;
      /** Field path ("a.b") → percent-decoded value. */
      variables: Map<string, string>;
    }
  /** The path matches templates, but none for this method. */
  | { kind: "method_not_allowed"; allowed: string[] }
  | { kind: "none" };

export interface TemplateMatcher<T> {
  match(method: string, path: string): MatchResult<T>;
}

const RANK: Record<TemplateSegment["kind"], number> = { literal: 3, wildcard: 2, deep: 1 };

/**
 * More specific first: segment by segment literal > "*" > "**", then more
 * segments, then a verb over none. Identical shapes are collisions, which
 * the schema loader reports, so the order between them never matters.
 */
function compareSpecificity(a: PathTemplate, b: PathTemplate): number {
  const length = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const diff =
      RANK[(b.segments[i] as TemplateSegment).kind] - RANK[(a.segments[i] as TemplateSegment).kind];
    if (diff !== 0) return diff;
  }
  if (a.segments.length !== b.segments.length) return b.segments.length - a.segments.length;
  return (b.verb === undefined ? 0 : 1) - (a.verb === undefined ? 0 : 1);
}

/** Segments of a path relative to the route prefix ("" and "/" are the root). */
function splitPath(path: string): string[] {
  if (path === "" || path === "/") return [];
  return path.slice(1).split("/");
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Matches one template; the captured values are percent-decoded segment by segment. */
export function matchTemplate(template: PathTemplate, path: string): Map<string, string> | undefined {
  const segments = splitPath(path);
  if (template.verb !== undefined) {
    const suffix = `:${template.verb}`;
    const last = segments.at(-1);
    if (last === undefined || !last.endsWith(suffix)) return undefined;
    segments[segments.length - 1] = last.slice(0, -suffix.length);
  }
  const pattern = template.segments;
  const deep = pattern.at(-1)?.kind === "deep";
  if (deep ? segments.length < pattern.length - 1 : segments.length !== pattern.length) return undefined;
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i] as TemplateSegment;
    const actual = segments[i];
    if (expected.kind === "deep") break;
    if (actual === undefined || actual === "") return undefined;
    if (expected.kind === "literal" && actual !== expected.value) return undefined;
  }
  const variables = new Map<string, string>();
  for (const variable of template.variables) {
    const end = pattern[variable.end - 1]?.kind === "deep" ? segments.length : variable.end;
    const decoded = segments.slice(variable.start, end).map(decodeSegment);
    if (decoded.some((part) => part === undefined)) return undefined;
    variables.set(variable.fieldPath.join("."), decoded.join("/"));
  }
  return variables;
}

export function createTemplateMatcher<T>(entries: readonly MatcherEntry<T>[]): TemplateMatcher<T> {
  const ordered = [...entries].sort((a, b) => compareSpecificity(a.template, b.template));
  return {
    match(method, path) {
      const allowed: string[] = [];
      for (const entry of ordered) {
        const variables = matchTemplate(entry.template, path);
        if (variables === undefined) continue;
        if (entry.method === method) return { kind: "match", value: entry.value, variables };
        if (!allowed.includes(entry.method)) allowed.push(entry.method);
      }
      return allowed.length === 0 ? { kind: "none" } : { kind: "method_not_allowed", allowed };
    },
  };
}

import type protobuf from "protobufjs";

/** One google.api.HttpRule (an additional binding is one too), as read from a method's options. */
export interface HttpRule {
  httpMethod: string;
  path: string;
  body?: string;
  responseBody?: string;
}

const PATTERN_KEYS = ["get", "put", "post", "delete", "patch"] as const;

type RawRule = Record<string, unknown>;

function asRecord(value: unknown): RawRule | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as RawRule)
    : undefined;
}

/** The method's `(google.api.http)` option, merged over every option statement that sets part of it. */
function rawRuleOf(method: protobuf.Method): RawRule | undefined {
  let merged: RawRule | undefined;
  for (const entry of method.parsedOptions ?? []) {
    const rule = asRecord((entry as RawRule)["(google.api.http)"]);
    if (rule !== undefined) merged = { ...merged, ...rule };
  }
  return merged;
}

function convert(raw: RawRule, nested: boolean, problems: string[]): HttpRule | undefined {
  const patterns: Array<{ method: string; path: unknown }> = [];
  for (const key of PATTERN_KEYS) {
    if (raw[key] !== undefined) patterns.push({ method: key.toUpperCase(), path: raw[key] });
  }
  const custom = asRecord(raw.custom);
  if (custom !== undefined) patterns.push({ method: String(custom.kind ?? ""), path: custom.path });
  if (patterns.length !== 1) {
    problems.push(
      patterns.length === 0
        ? "a google.api.http rule needs one of get, put, post, delete, patch or custom"
        : "a google.api.http rule sets more than one pattern",
    );
    return undefined;
  }
  const pattern = patterns[0] as { method: string; path: unknown };
  if (!/^[A-Z]+$/.test(pattern.method)) {
    problems.push(`custom kind "${pattern.method}" is not an upper-case HTTP method`);
    return undefined;
  }
  if (typeof pattern.path !== "string") {
    problems.push(`${pattern.method.toLowerCase()}: the path must be a string`);
    return undefined;
  }
  if (nested && raw.additional_bindings !== undefined) {
    problems.push("additional_bindings cannot be nested");
    return undefined;
  }
  const body = raw.body;
  const responseBody = raw.response_body;
  return {
    httpMethod: pattern.method,
    path: pattern.path,
    ...(typeof body === "string" && body !== "" ? { body } : {}),
    ...(typeof responseBody === "string" && responseBody !== "" ? { responseBody } : {}),
  };
}

/** Every rule of a method: the main one, then its additional_bindings. Empty when it has none. */
export function httpRulesOf(method: protobuf.Method, problems: string[]): HttpRule[] {
  const raw = rawRuleOf(method);
  if (raw === undefined) return [];
  const rules: HttpRule[] = [];
  const main = convert(raw, false, problems);
  if (main !== undefined) rules.push(main);
  const extra = raw.additional_bindings;
  const list = Array.isArray(extra) ? extra : extra === undefined ? [] : [extra];
  for (const item of list) {
    const record = asRecord(item);
    const rule = record === undefined ? undefined : convert(record, true, problems);
    if (rule !== undefined) rules.push(rule);
  }
  return rules;
}

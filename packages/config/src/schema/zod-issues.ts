import type { z } from "zod";
import type { ConfigIssue } from "../issues.ts";

/**
 * Generic messages for issues whose schema gave no message of its own
 * (schema-level messages take precedence over this per-parse error map).
 */
export const genericErrorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.input === undefined && issue.code !== "unrecognized_keys") return "is required";
  switch (issue.code) {
    case "invalid_type":
      return `must be ${describeType(issue.expected)}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((value) => String(value)).join(", ")} (got ${JSON.stringify(issue.input)})`;
    case "too_small":
      return `must be at least ${String(issue.minimum)}`;
    case "too_big":
      return `must be at most ${String(issue.maximum)}`;
    case "unrecognized_keys":
      return "unknown key";
    default:
      return undefined;
  }
};

function describeType(expected: string): string {
  switch (expected) {
    case "object":
      return "a mapping";
    case "array":
      return "a list";
    case "int":
      return "an integer";
    case "boolean":
      return "true or false";
    default:
      return `a ${expected}`;
  }
}

/** One ConfigIssue per zod issue, and one per unknown key (so each names its own path). */
export function toConfigIssues(issues: readonly z.core.$ZodIssue[]): ConfigIssue[] {
  return issues.flatMap((issue): ConfigIssue[] => {
    const path = issue.path.map((part) => (typeof part === "symbol" ? String(part) : part));
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path: [...path, key], message: "unknown key" }));
    }
    return [{ path, message: issue.message }];
  });
}

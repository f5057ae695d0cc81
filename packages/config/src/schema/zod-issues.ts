import type { z } from "zod";
import type { ConfigIssue, ConfigPath } from "../issues.ts";

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

const MISSING_VALUE_CODES = new Set(["invalid_type", "invalid_value", "invalid_union"]);

/** One ConfigIssue per zod issue, and one per unknown key (so each names its own path). */
export function toConfigIssues(
  issues: readonly z.core.$ZodIssue[],
  parentPath: ConfigPath = [],
): ConfigIssue[] {
  return issues.flatMap((issue): ConfigIssue[] => {
    const path = [
      ...parentPath,
      ...issue.path.map((part) => (typeof part === "symbol" ? String(part) : part)),
    ];
    if (issue.code === "invalid_union") {
      const closest = closestUnionBranch(issue.errors);
      if (closest) return toConfigIssues(closest, path);
    }
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({ path: [...path, key], message: "unknown key" }));
    }
    // Needs `reportInput: true`: schema-level messages ("must be a positive integer") would otherwise hide that the key is missing.
    const isMissing = MISSING_VALUE_CODES.has(issue.code) && issue.input === undefined;
    if (isMissing) return [{ path, message: "is required" }];
    return [{ path, message: issue.message }];
  });
}

/**
 * The one union branch whose input had the right type (e.g. a mapping given to
 * `string | { urls }`), so its specific issues are reported instead of the union's
 * generic message. Undefined when no branch, or several, had the right type.
 */
function closestUnionBranch(branches: readonly z.core.$ZodIssue[][]): z.core.$ZodIssue[] | undefined {
  const typeMatched = branches.filter(
    (branch) => !branch.some((issue) => issue.code === "invalid_type" && issue.path.length === 0),
  );
  return typeMatched.length === 1 ? typeMatched[0] : undefined;
}

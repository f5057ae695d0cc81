import type { GatewayConfig } from "@gateway/types";
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { applyDefaults } from "./apply-defaults.ts";
import { type Env, interpolateEnv } from "./interpolate-env.ts";
import type { ConfigIssue, ConfigPath } from "./issues.ts";
import { gatewayConfigSchema } from "./schema/gateway-schema.ts";
import { genericErrorMap, toConfigIssues } from "./schema/zod-issues.ts";
import { checkSemantics } from "./semantic/check-semantics.ts";

export type AnalyseResult = { ok: true; config: GatewayConfig } | { ok: false; issues: ConfigIssue[] };

/** Env interpolation → schema → semantic checks → dependent defaults, on a parsed tree. */
export function analyseDocument(doc: unknown, env: Env): AnalyseResult {
  const interpolated = interpolateEnv(doc, env);
  if (interpolated.issues.length > 0) return { ok: false, issues: interpolated.issues };

  const parsed = gatewayConfigSchema.safeParse(interpolated.value, {
    error: genericErrorMap,
    reportInput: true,
  });
  if (!parsed.success) return { ok: false, issues: toConfigIssues(parsed.error.issues) };

  const semanticIssues = checkSemantics(parsed.data);
  if (semanticIssues.length > 0) return { ok: false, issues: semanticIssues };
  return { ok: true, config: applyDefaults(parsed.data) };
}

/** YAML text → analyseDocument, with every issue given its line:col in the text when it can be found. */
export function analyseText(yamlText: string, env: Env): AnalyseResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      issues: document.errors.map((error) => {
        const position = lineCounter.linePos(error.pos[0]);
        return { position, message: `YAML syntax error: ${firstLine(error.message)}` };
      }),
    };
  }

  let tree: unknown;
  try {
    tree = toPlainTree(document.toJS({ maxAliasCount: 100, mapAsMap: true }));
  } catch (error) {
    return { ok: false, issues: [{ message: `YAML error: ${(error as Error).message}` }] };
  }
  const result = analyseDocument(tree, env);
  if (result.ok) return result;
  const issues = result.issues.map((issue) => {
    const offset = issue.path ? offsetOf(document.contents, issue.path) : undefined;
    return offset === undefined ? issue : { ...issue, position: lineCounter.linePos(offset) };
  });
  return { ok: false, issues };
}

/** Start offset of the deepest node on `path` that exists (a missing key points at its parent). */
function offsetOf(root: Node | null, path: ConfigPath): number | undefined {
  let node: unknown = root;
  let offset = root?.range?.[0];
  for (const part of path) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(part));
      next = pair?.value ?? pair?.key;
    } else if (isSeq(node) && typeof part === "number") {
      next = node.items[part];
    }
    const range = (next as Node | undefined)?.range;
    if (!range) break;
    node = next;
    offset = range[0];
  }
  return offset;
}

/**
 * Maps → plain objects with own properties only. Plain `toJS()` assigns keys, so a
 * `__proto__` key would silently become the object's prototype instead of an unknown key.
 */
function toPlainTree(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toPlainTree);
  if (value instanceof Map) {
    const object: Record<string, unknown> = {};
    for (const [key, child] of value) {
      Object.defineProperty(object, String(key), {
        value: toPlainTree(child),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return object;
  }
  return value;
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}

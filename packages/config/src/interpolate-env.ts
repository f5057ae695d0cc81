import type { ConfigIssue, ConfigPath } from "./issues.ts";
import { TEMPLATE_NAMESPACES } from "./transform/template.ts";

export type Env = Record<string, string | undefined>;

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `${identity.sub}` and the like are per-request template variables (transforms), not env references. */
const TEMPLATE_REFERENCE = new RegExp(`^(?:${TEMPLATE_NAMESPACES.join("|")})\\.[A-Za-z0-9_.]*$`);

/**
 * Replaces `${NAME}` and `${NAME:-default}` in every string value of an
 * already-parsed YAML tree (keys are left alone), so an env value can never
 * inject YAML structure. `${NAME:-default}` uses the default when NAME is unset
 * or empty; `$${` is a literal `${`. Missing variables are collected as issues.
 * `${identity.sub}`-style references (a template namespace, a dot) are left for
 * the transforms, which check them (env variable names have no dot).
 */
export function interpolateEnv(tree: unknown, env: Env): { value: unknown; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const value = walk(tree, [], env, issues);
  return { value, issues };
}

function walk(node: unknown, path: ConfigPath, env: Env, issues: ConfigIssue[]): unknown {
  if (typeof node === "string") return interpolateString(node, path, env, issues);
  if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index], env, issues));
  if (node !== null && typeof node === "object") {
    const result: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node)) {
      // defineProperty, not assignment: an own "__proto__" key must stay a key (and be rejected as unknown).
      const value = walk(child, [...path, key], env, issues);
      Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return result;
  }
  return node;
}

function interpolateString(text: string, path: ConfigPath, env: Env, issues: ConfigIssue[]): string {
  if (!text.includes("${")) return text;
  let result = "";
  let index = 0;
  while (index < text.length) {
    if (text.startsWith("$${", index)) {
      result += "${";
      index += 3;
      continue;
    }
    if (!text.startsWith("${", index)) {
      result += text[index];
      index++;
      continue;
    }
    const close = text.indexOf("}", index + 2);
    if (close === -1) {
      issues.push({ path, message: `unterminated "\${" (write "$\${" for a literal "\${")` });
      return text;
    }
    const reference = text.slice(index + 2, close);
    if (TEMPLATE_REFERENCE.test(reference)) {
      result += text.slice(index, close + 1);
      index = close + 1;
      continue;
    }
    const substituted = resolveReference(reference, path, env, issues);
    if (substituted === undefined) return text;
    result += substituted;
    index = close + 1;
  }
  return result;
}

function resolveReference(reference: string, path: ConfigPath, env: Env, issues: ConfigIssue[]) {
  const separator = reference.indexOf(":-");
  const name = separator === -1 ? reference : reference.slice(0, separator);
  if (!VARIABLE_NAME.test(name)) {
    issues.push({ path, message: `invalid environment variable reference "\${${reference}}"` });
    return undefined;
  }
  const value = env[name];
  if (separator !== -1) return value === undefined || value === "" ? reference.slice(separator + 2) : value;
  if (value === undefined) {
    issues.push({ path, message: `environment variable ${name} is not set (and no default is given)` });
    return undefined;
  }
  return value;
}

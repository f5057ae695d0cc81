import type { IncomingHttpHeaders } from "node:http";
import { parseTemplate, renderTemplate, type TemplatePart } from "@gateway/config/transform";
import type { HeaderTransform, RouteTransformConfig } from "@gateway/types";
import type { GatewayContext } from "../context.ts";
import { isSafeHeaderValue } from "../headers.ts";
import { templateValue } from "./template-facts.ts";

interface CompiledRule {
  name: string;
  parts: TemplatePart[];
}

export interface RequestTransform {
  /** Changes `headers` in place: remove, then set, then add. */
  headers(headers: IncomingHttpHeaders, context: GatewayContext, method: string): void;
  /** The query (without "?") after renames and removals; "" when nothing is left. */
  query(query: string): string;
  readonly changesQuery: boolean;
}

function compileRules(rules: HeaderTransform["set"]): CompiledRule[] {
  return rules.map(({ name, value }) => {
    const parsed = parseTemplate(value);
    // check has refused unknown variables; a hand-built config must not be half-applied.
    if (!parsed.ok) throw new Error(`transform header ${name}: ${parsed.reason}`);
    return { name, parts: parsed.parts };
  });
}

/** A query parameter's name as a form decoder reads it; undecodable names compare raw. */
function decodedName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    return raw;
  }
}

export function createRequestTransform(
  config: NonNullable<RouteTransformConfig["request"]>,
): RequestTransform {
  const { remove } = config.headers;
  const set = compileRules(config.headers.set);
  const add = compileRules(config.headers.add);
  const renames = new Map(config.query.rename.map(({ from, to }) => [from, encodeURIComponent(to)]));
  const dropped = new Set(config.query.remove);

  return {
    changesQuery: renames.size > 0 || dropped.size > 0,
    headers(headers, context, method) {
      // A value that renders empty, or unsafe (a claim with a control character), is not sent.
      const render = (rule: CompiledRule) => {
        const value = renderTemplate(rule.parts, (variable) => templateValue(variable, context, method));
        return value !== "" && isSafeHeaderValue(value) ? value : undefined;
      };
      for (const name of remove) delete headers[name];
      for (const rule of set) {
        const value = render(rule);
        if (value === undefined) delete headers[rule.name];
        else headers[rule.name] = value;
      }
      for (const rule of add) {
        const value = render(rule);
        if (value === undefined) continue;
        const existing = headers[rule.name];
        const joined = Array.isArray(existing) ? existing.join(", ") : existing;
        const separator = rule.name === "cookie" ? "; " : ", ";
        headers[rule.name] = joined === undefined || joined === "" ? value : `${joined}${separator}${value}`;
      }
    },
    query(query) {
      if (query === "") return query;
      const kept: string[] = [];
      for (const pair of query.split("&")) {
        const eq = pair.indexOf("=");
        const rawName = eq === -1 ? pair : pair.slice(0, eq);
        const name = decodedName(rawName);
        if (dropped.has(name)) continue;
        const renamed = renames.get(name);
        kept.push(renamed === undefined ? pair : `${renamed}${eq === -1 ? "" : pair.slice(eq)}`);
      }
      return kept.join("&");
    },
  };
}

import { createIpMatcher, type IpAddress, type IpMatcher, parseCidr, parseIp } from "@gateway/config/cidr";
import { clientIpOf, type EdgeConfig, GatewayError, type IpRulesConfig } from "@gateway/types";
import { createMiddleware } from "hono/factory";
import type { EdgeHonoEnv } from "../../context.ts";

interface CompiledRules {
  allow: IpMatcher | undefined;
  deny: IpMatcher | undefined;
}

function matcherOf(entries: readonly string[]): IpMatcher | undefined {
  if (entries.length === 0) return undefined;
  return createIpMatcher(
    entries.map((entry) => {
      const parsed = parseCidr(entry);
      // The schema has validated every entry; a hand-built EdgeConfig must not silently drop one.
      if (!parsed.ok) throw new Error(`ipRules: ${parsed.reason}`);
      return parsed.cidr;
    }),
  );
}

function compile(rules: IpRulesConfig | undefined): CompiledRules | undefined {
  if (!rules || (rules.allow.length === 0 && rules.deny.length === 0)) return undefined;
  return { allow: matcherOf(rules.allow), deny: matcherOf(rules.deny) };
}

/** Deny wins; a non-empty allow list admits only its networks. */
function admits(rules: CompiledRules, ip: IpAddress): boolean {
  if (rules.deny?.matches(ip)) return false;
  return rules.allow === undefined || rules.allow.matches(ip);
}

/**
 * 403 ip_denied unless the client address passes the global rules and then the
 * route's. Runs after routing and before CORS, limits and authentication, so a
 * refused client costs no JWKS fetch and never reaches central. The matchers
 * are compiled here, once per app (isolate).
 */
export function createIpRules(config: Pick<EdgeConfig, "ipRules" | "routes">) {
  const global = compile(config.ipRules);
  const perRoute = new Map<string, CompiledRules>();
  for (const route of config.routes) {
    const compiled = compile(route.ipRules);
    if (compiled) perRoute.set(route.name, compiled);
  }
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    const route = perRoute.get(c.get("route").name);
    if (global || route) {
      const text = clientIpOf(c.req.raw.headers);
      const ip = parseIp(text);
      if (ip === undefined) throw new GatewayError("ip_denied", "client address could not be read");
      if ((global && !admits(global, ip)) || (route && !admits(route, ip))) {
        throw new GatewayError("ip_denied", `client address ${text} is not allowed on this route`);
      }
    }
    await next();
  });
}

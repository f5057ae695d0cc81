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

function clientAddress(headers: Headers): { text: string | null; ip: IpAddress } {
  const text = clientIpOf(headers);
  const ip = parseIp(text);
  if (ip === undefined) throw new GatewayError("ip_denied", "client address could not be read");
  return { text, ip };
}

/**
 * The global ipRules: 403 ip_denied before routing, so a refused client learns
 * nothing about which paths exist (an unknown path is 403, not 404) and reaches
 * no other endpoint after it (the cache purge endpoint included). Compiled once
 * per app (isolate); without global rules this step is a no-op.
 */
export function createGlobalIpRules(config: Pick<EdgeConfig, "ipRules">) {
  const global = compile(config.ipRules);
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    if (global) {
      const { text, ip } = clientAddress(c.req.raw.headers);
      if (!admits(global, ip)) throw new GatewayError("ip_denied", `client address ${text} is not allowed`);
    }
    await next();
  });
}

/**
 * A route's ipRules, after routing and the global rules, before CORS, limits and
 * authentication: a refused client costs no JWKS fetch and never reaches central.
 */
export function createRouteIpRules(config: Pick<EdgeConfig, "routes">) {
  const perRoute = new Map<string, CompiledRules>();
  for (const route of config.routes) {
    const compiled = compile(route.ipRules);
    if (compiled) perRoute.set(route.name, compiled);
  }
  return createMiddleware<EdgeHonoEnv>(async (c, next) => {
    const route = perRoute.get(c.get("route").name);
    if (route) {
      const { text, ip } = clientAddress(c.req.raw.headers);
      if (!admits(route, ip))
        throw new GatewayError("ip_denied", `client address ${text} is not allowed on this route`);
    }
    await next();
  });
}

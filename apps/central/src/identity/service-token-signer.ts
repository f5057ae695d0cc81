import type { IdentitySigner, ReusableSignInput, SignInput } from "@gateway/identity";
import type { RouteConfig } from "@gateway/types";

export interface ServiceTokenSignerOptions {
  /** Tokens kept per reuse route; the least recently used goes first. Default 10 000. */
  maxEntriesPerRoute?: number;
  /** Clock in milliseconds (the signer's clock must agree). */
  now?: () => number;
}

/** Everything that goes into a reusable token, so two requests share one only when the token would be identical. */
function reuseKey(input: ReusableSignInput): string {
  const { identity } = input;
  return JSON.stringify([
    identity.sub,
    identity.roles,
    identity.scopes,
    identity.auth,
    identity.tenant ?? null,
    input.clientIp ?? null,
    input.forwardedProto ?? null,
    input.forwardedHost ?? null,
    input.country ?? null,
    input.continent ?? null,
  ]);
}

/**
 * The signer central's proxy uses for services. Routes with `serviceToken: reuse` (the
 * token's audience is the route name) get one unbound token per identity, reused for
 * `reuseSeconds` after it was signed; every other route gets the wrapped signer's fresh,
 * request-bound token. Same interface, so the proxy does not know the difference.
 */
export function createServiceTokenSigner(
  routes: readonly RouteConfig[],
  signer: IdentitySigner,
  options: ServiceTokenSignerOptions = {},
): IdentitySigner {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntriesPerRoute ?? 10_000;
  const reuse = new Map<
    string,
    { reuseSeconds: number; tokens: Map<string, { token: string; until: number }> }
  >();
  for (const route of routes) {
    if (route.serviceToken === "reuse") {
      reuse.set(route.name, { reuseSeconds: route.reuseSeconds ?? 1, tokens: new Map() });
    }
  }
  if (reuse.size === 0) return signer;

  async function reusable(
    input: SignInput,
    route: NonNullable<ReturnType<typeof reuse.get>>,
  ): Promise<string> {
    const { method: _method, pathAndQuery: _target, ...unbound } = input;
    const key = reuseKey(unbound);
    const nowSeconds = now() / 1000;
    const cached = route.tokens.get(key);
    if (cached !== undefined && nowSeconds < cached.until) return cached.token;
    if (cached !== undefined) route.tokens.delete(key);
    const signed = await signer.signReusable(unbound);
    if (route.tokens.size >= maxEntries) {
      const oldest = route.tokens.keys().next();
      if (!oldest.done) route.tokens.delete(oldest.value);
    }
    route.tokens.set(key, { token: signed.token, until: signed.issuedAt + route.reuseSeconds });
    return signed.token;
  }

  return {
    kid: signer.kid,
    sign(input) {
      const route = reuse.get(input.audience);
      return route === undefined ? signer.sign(input) : reusable(input, route);
    },
    signReusable: (input) => signer.signReusable(input),
  };
}

/** Header that carries the identity token between tiers. */
export const IDENTITY_HEADER = "x-gateway-identity";

/** Convenience headers for services; trusted only after the identity token verifies. */
export const USER_ID_HEADER = "x-user-id";
export const USER_ROLES_HEADER = "x-user-roles";
export const USER_SCOPES_HEADER = "x-user-scopes";
export const REQUEST_ID_HEADER = "x-request-id";

/**
 * Headers a client must never be able to set: they are removed at the edge and
 * again at central before anything else reads them. Prefixes end with "-".
 */
export const CLIENT_TRUST_HEADER_PREFIXES = ["x-user-", "x-gateway-", "x-consumer-", "x-auth-"] as const;
export const CLIENT_TRUST_HEADERS = [
  IDENTITY_HEADER,
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-port",
  "x-forwarded-prefix",
  "x-real-ip",
  "x-original-url",
  "x-rewrite-url",
  "x-original-method",
  "x-http-method-override",
  "x-http-method",
  "x-method-override",
  "cf-connecting-ip-override",
] as const;

/** RFC 9110 §7.6.1 connection-specific headers, plus the de-facto ones. */
export const HOP_BY_HOP_HEADERS = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
] as const;

/** Lower-case header names a Connection header lists (RFC 9110 §7.6.1): connection-specific for one hop. */
export function connectionHeaderNames(
  connection: string | readonly string[] | null | undefined,
): Set<string> {
  const names = new Set<string>();
  if (connection === undefined || connection === null) return names;
  for (const value of typeof connection === "string" ? [connection] : connection) {
    for (const token of value.split(",")) {
      const name = token.trim().toLowerCase();
      if (name !== "") names.add(name);
    }
  }
  return names;
}

/**
 * Identity headers that other proxies and platforms set for the service behind them. A service
 * moved from behind one of them may still trust these, so both tiers remove them from client
 * requests by default (`identity.stripHeaders`, where "default" stands for this list).
 * Entries ending in "*" are prefixes.
 */
export const FOREIGN_IDENTITY_HEADERS = [
  // oauth2-proxy
  "x-forwarded-user",
  "x-forwarded-email",
  "x-forwarded-groups",
  "x-forwarded-preferred-username",
  "x-forwarded-access-token",
  "x-auth-request-*",
  // Apache, IIS, nginx auth_request, Grafana-style auth proxies
  "remote-user",
  "x-remote-user",
  "x-remote-group",
  "x-webauth-user",
  // Kong
  "x-consumer-*",
  "x-credential-*",
  "x-authenticated-*",
  "x-anonymous-consumer",
  // Kong OIDC, APISIX, Traefik plugins, others
  "x-userinfo",
  "x-jwt-*",
  "x-id-token",
  "x-access-token",
  // Cloud platforms' authenticating front ends
  "x-ms-client-principal*",
  "x-goog-authenticated-user-*",
  "x-goog-iap-jwt-assertion",
  "x-amzn-oidc-*",
  "cf-access-authenticated-user-email",
  "cf-access-jwt-assertion",
  // Client-certificate identity set by TLS-terminating proxies
  "x-forwarded-client-cert",
  "x-ssl-client-*",
  "ssl-client-*",
  "x-client-cert*",
] as const;

/** The `stripHeaders` entry that stands for FOREIGN_IDENTITY_HEADERS. */
export const DEFAULT_STRIP_HEADERS_ENTRY = "default";

/**
 * A predicate for lower-case header names: exact names, and prefixes written with a trailing "*".
 * Built once at start-up; the check is one Set lookup plus one startsWith per prefix.
 */
export function headerNameMatcher(patterns: readonly string[]): (lowerName: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const pattern of patterns) {
    const lower = pattern.toLowerCase();
    if (lower.endsWith("*")) prefixes.push(lower.slice(0, -1));
    else exact.add(lower);
  }
  return (name) => {
    if (exact.has(name)) return true;
    for (const prefix of prefixes) if (name.startsWith(prefix)) return true;
    return false;
  };
}

export function isClientTrustHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    (CLIENT_TRUST_HEADERS as readonly string[]).includes(lower) ||
    CLIENT_TRUST_HEADER_PREFIXES.some((prefix) => lower.startsWith(prefix))
  );
}

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

export function isClientTrustHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    (CLIENT_TRUST_HEADERS as readonly string[]).includes(lower) ||
    CLIENT_TRUST_HEADER_PREFIXES.some((prefix) => lower.startsWith(prefix))
  );
}

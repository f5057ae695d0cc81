import type { Identity, RouteCacheConfig } from "@gateway/types";

/** Cache keys are URLs under a host nobody can request (.invalid, RFC 6761). */
const KEY_ORIGIN = "https://gateway-cache.invalid";

export interface PrimaryKey {
  /** Key of the variant index for this URL and scope. */
  indexKey: string;
  /** The client-facing path and query, as purge and invalidation match them. */
  url: string;
  /** Everything that selects the entry except Vary: route, scope (consumer/tenant), URL. */
  base: string;
}

/**
 * The primary cache key: route, the keyBy parts of the verified identity, and
 * the normalised path with its raw query (different query strings are
 * different resources). The method is not part of it: HEAD reads GET entries.
 */
export async function primaryKey(
  route: string,
  config: RouteCacheConfig,
  identity: Identity | undefined,
  target: { path: string; query: string | undefined },
): Promise<PrimaryKey> {
  const scope = config.keyBy.map((part) =>
    part === "consumer" ? [part, identity?.auth ?? "", identity?.sub ?? ""] : [part, identity?.tenant ?? ""],
  );
  const url = `${target.path}${target.query === undefined ? "" : `?${target.query}`}`;
  const base = JSON.stringify([route, scope, url]);
  return { indexKey: `${KEY_ORIGIN}/index/${await sha256(base)}`, url, base };
}

/**
 * The secondary key (RFC 9111 §4.1): the values of the request headers the
 * response varies on. Values are compared after combining repeated lines and
 * collapsing whitespace around commas (field values are equivalent then); an
 * absent header differs from an empty one. Hashed with the primary key, so two
 * selections can never collide into one entry.
 */
export async function entryKey(
  primary: PrimaryKey,
  vary: readonly string[],
  headers: Headers,
): Promise<string> {
  const selected = vary.map((name) => [name, normaliseFieldValue(headers.get(name))]);
  return `${KEY_ORIGIN}/entry/${await sha256(JSON.stringify([primary.base, selected]))}`;
}

function normaliseFieldValue(value: string | null): string | null {
  if (value === null) return null;
  return value
    .split(",")
    .map((part) => part.trim().replace(/[ \t]+/g, " "))
    .join(",");
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

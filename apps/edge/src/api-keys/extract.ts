import type { EdgeRoute } from "../context.ts";

/** What a client may present: `gw_` + anything up to this length (real keys are 51 characters). */
const MAX_KEY_LENGTH = 256;
const BEARER_KEY = /^Bearer[ ]+(gw_\S*)[ ]*$/i;

export type KeySource = "header" | "bearer" | "query";
export interface PresentedKey {
  key: string;
  from: KeySource;
}

export function bearerApiKey(headers: Headers): string | undefined {
  return BEARER_KEY.exec(headers.get("authorization") ?? "")?.[1];
}

/** The first value of `name` in a raw query string (undefined if absent or not decodable). */
export function queryValue(query: string | undefined, name: string): string | undefined {
  if (query === undefined || query === "") return undefined;
  for (const pair of query.split("&")) {
    const eq = pair.indexOf("=");
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    if (safeDecode(rawName) !== name) continue;
    return eq === -1 ? "" : safeDecode(pair.slice(eq + 1));
  }
  return undefined;
}

/** The raw query without any occurrence of `name` (undefined when nothing is left). */
export function withoutQueryParam(query: string | undefined, name: string): string | undefined {
  if (query === undefined) return undefined;
  const kept = query.split("&").filter((pair) => {
    const eq = pair.indexOf("=");
    return safeDecode(eq === -1 ? pair : pair.slice(0, eq)) !== name;
  });
  return kept.length === 0 ? undefined : kept.join("&");
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return undefined;
  }
}

/** The key a request presents: the configured header, then `Authorization: Bearer gw_…`, then the route's query parameter. */
export function presentedKey(
  headers: Headers,
  target: { query: string | undefined } | undefined,
  route: EdgeRoute | undefined,
  headerName: string,
): PresentedKey | undefined {
  const header = headers.get(headerName);
  if (header !== null) return { key: header.trim().slice(0, MAX_KEY_LENGTH + 1), from: "header" };
  const bearer = bearerApiKey(headers);
  if (bearer !== undefined) return { key: bearer.slice(0, MAX_KEY_LENGTH + 1), from: "bearer" };
  const param = route?.apiKeyQueryParam;
  if (param !== undefined) {
    const value = queryValue(target?.query, param);
    if (value !== undefined) return { key: value.slice(0, MAX_KEY_LENGTH + 1), from: "query" };
  }
  return undefined;
}

export function isPlausibleKey(key: string): boolean {
  return key.length <= MAX_KEY_LENGTH && /^gw_[A-Za-z0-9_-]+$/.test(key);
}

import { GatewayError } from "@gateway/types";
import type { Handler } from "hono";
import type { EdgeHonoEnv } from "../../context.ts";
import type { KeyIndex, PurgeSelector } from "./key-index.ts";
import type { EntryStore } from "./store.ts";

/** The purge endpoint's path: answered before routing, never proxied. */
export const PURGE_PATH = "/_gateway/cache/purge";

const MAX_BODY_BYTES = 64 * 1024;
const MAX_SELECTORS = 1000;

export interface PurgeOptions {
  /** Bearer secret (CACHE_PURGE_SECRET); compared in constant time. */
  secret: string;
  store: EntryStore;
  index: KeyIndex;
}

/**
 * POST /_gateway/cache/purge, `Authorization: Bearer <secret>`, body
 * `{"urls": ["/api/x?y=1"], "prefixes": ["/api/"], "tags": ["t"]}` → `{"purged": N}`
 * (N = cache objects deleted). URLs are paths with their query, as clients request them.
 */
export function purgeHandler(options: PurgeOptions): Handler<EdgeHonoEnv> {
  return async (c) => {
    const given = /^Bearer (.+)$/.exec(c.req.raw.headers.get("authorization") ?? "")?.[1] ?? "";
    if (!(await sameSecret(given, options.secret))) {
      throw new GatewayError("unauthorized", "the purge endpoint needs the purge secret as a bearer token");
    }
    const selectors = parseSelectors(await readBody(c.req.raw));
    const keys = new Set<string>();
    for (const selector of selectors) for (const key of await options.index.purge(selector)) keys.add(key);
    await Promise.all([...keys].map((key) => options.store.delete(key)));
    c.header("cache-control", "no-store");
    return c.json({ purged: keys.size });
  };
}

async function sameSecret(given: string, expected: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(given)),
    crypto.subtle.digest("SHA-256", encoder.encode(expected)),
  ]);
  return crypto.subtle.timingSafeEqual(a, b) && given !== "";
}

async function readBody(request: Request): Promise<unknown> {
  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > MAX_BODY_BYTES)
    throw new GatewayError("payload_too_large", `purge body over ${MAX_BODY_BYTES} bytes`);
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES)
    throw new GatewayError("payload_too_large", `purge body over ${MAX_BODY_BYTES} bytes`);
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayError(
      "bad_request",
      'purge body must be JSON: {"urls"?: [], "prefixes"?: [], "tags"?: []}',
    );
  }
}

function parseSelectors(body: unknown): PurgeSelector[] {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new GatewayError(
      "bad_request",
      'purge body must be an object: {"urls"?: [], "prefixes"?: [], "tags"?: []}',
    );
  }
  const selectors: PurgeSelector[] = [];
  for (const [field, value] of Object.entries(body)) {
    if (!["urls", "prefixes", "tags"].includes(field)) {
      throw new GatewayError("bad_request", `unknown purge field "${field}" (urls, prefixes, tags)`);
    }
    if (!Array.isArray(value) || !value.every((item) => typeof item === "string" && item !== "")) {
      throw new GatewayError("bad_request", `${field} must be a list of non-empty strings`);
    }
    for (const item of value as string[]) {
      if (field !== "tags" && !item.startsWith("/")) {
        throw new GatewayError(
          "bad_request",
          `${field} entries are paths starting with "/": ${JSON.stringify(item)}`,
        );
      }
      selectors.push(
        field === "urls" ? { url: item } : field === "prefixes" ? { prefix: item } : { tag: item },
      );
    }
  }
  if (selectors.length === 0)
    throw new GatewayError("bad_request", "nothing to purge: give urls, prefixes or tags");
  if (selectors.length > MAX_SELECTORS)
    throw new GatewayError("bad_request", `at most ${MAX_SELECTORS} selectors`);
  return selectors;
}

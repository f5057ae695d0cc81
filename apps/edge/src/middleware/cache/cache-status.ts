/** This cache's name in Cache-Status (RFC 9211 §2). */
export const CACHE_NAME = "gateway-edge";

export type Forward = "uri-miss" | "vary-miss" | "stale" | "request" | "bypass" | "miss";

/** What the cache did, for Cache-Status (RFC 9211) and X-Cache. */
export type Outcome =
  | { kind: "hit"; ttl: number }
  | { kind: "stale"; ttl: number; fwdStatus?: number }
  | { kind: "revalidated"; ttl: number }
  | { kind: "forwarded"; fwd: Forward; fwdStatus: number; stored: boolean; ttl?: number; detail?: string };

export function cacheStatusMember(outcome: Outcome): string {
  const parts = [CACHE_NAME];
  switch (outcome.kind) {
    case "hit":
      parts.push("hit", `ttl=${Math.round(outcome.ttl)}`);
      break;
    case "stale":
      parts.push("hit", `ttl=${Math.round(outcome.ttl)}`);
      if (outcome.fwdStatus !== undefined) parts.push("fwd=stale", `fwd-status=${outcome.fwdStatus}`);
      break;
    case "revalidated":
      parts.push("fwd=stale", "fwd-status=304", `ttl=${Math.round(outcome.ttl)}`, "stored");
      break;
    case "forwarded":
      parts.push(`fwd=${outcome.fwd}`, `fwd-status=${outcome.fwdStatus}`);
      if (outcome.ttl !== undefined) parts.push(`ttl=${Math.round(outcome.ttl)}`);
      if (outcome.stored) parts.push("stored");
      if (outcome.detail) parts.push(`detail=${JSON.stringify(outcome.detail)}`);
      break;
  }
  return parts.join("; ");
}

export function xCache(outcome: Outcome): "HIT" | "MISS" | "STALE" | "REVALIDATED" | "BYPASS" {
  switch (outcome.kind) {
    case "hit":
      return "HIT";
    case "stale":
      return "STALE";
    case "revalidated":
      return "REVALIDATED";
    case "forwarded":
      return outcome.fwd === "bypass" || outcome.fwd === "request" ? "BYPASS" : "MISS";
  }
}

/** Adds this cache's member at the end of Cache-Status (the list runs from origin to client) and X-Cache. */
export function annotate(headers: Headers, outcome: Outcome): void {
  const existing = headers.get("cache-status");
  const member = cacheStatusMember(outcome);
  headers.set("cache-status", existing ? `${existing}, ${member}` : member);
  headers.set("x-cache", xCache(outcome));
}

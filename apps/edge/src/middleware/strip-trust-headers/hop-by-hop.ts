import { connectionHeaderNames, HOP_BY_HOP_HEADERS } from "@gateway/types";

const HOP_BY_HOP: ReadonlySet<string> = new Set(HOP_BY_HOP_HEADERS);

/** A copy of `headers` without hop-by-hop headers (the fixed list and those named in Connection, RFC 9110 §7.6.1). */
export function withoutHopByHop(headers: Headers): Headers {
  const listed = connectionHeaderNames(headers.get("connection"));
  const kept = new Headers();
  for (const [name, value] of headers) {
    if (!HOP_BY_HOP.has(name) && !listed.has(name)) kept.append(name, value);
  }
  return kept;
}

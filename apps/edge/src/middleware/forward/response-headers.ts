import { BANNER_HEADERS } from "@gateway/types";
import { withoutHopByHop } from "../strip-trust-headers/index.ts";

/**
 * Central's response headers as the client may see them: no hop-by-hop headers
 * (including those central names in Connection), no software banners, and no
 * CORS headers (CORS is decided by the edge from the route's config alone).
 */
export function clientResponseHeaders(upstream: Headers): Headers {
  const headers = withoutHopByHop(upstream);
  for (const name of BANNER_HEADERS) headers.delete(name);
  for (const name of [...headers.keys()]) {
    if (name.startsWith("access-control-")) headers.delete(name);
  }
  return headers;
}

/** Central's response for the client: same status and body stream, headers per clientResponseHeaders. */
export function clientResponse(upstream: Response): Response {
  return new Response(upstream.body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: clientResponseHeaders(upstream.headers),
  });
}

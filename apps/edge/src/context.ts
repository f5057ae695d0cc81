import type { EdgeConfig, Identity, RateLimitLogValue } from "@gateway/types";
import type { PreparedRequest } from "./middleware/forward/prepared-request.ts";

export type EdgeRoute = EdgeConfig["routes"][number];

/** A request body on its way to central, with its size limit enforced while it streams. */
export interface LimitedBody {
  stream: ReadableStream<Uint8Array>;
  /** Aborted when the limit is exceeded; the subrequest to central must use it. */
  signal: AbortSignal;
  /** True once the stream has seen more bytes than allowed (and errored). */
  exceeded(): boolean;
  /** True once reading the client's body failed (invalid chunked framing, connection lost). */
  malformed(): boolean;
}

/** What the middleware chain knows about the current request, in Hono's context. */
export interface EdgeVariables {
  requestId: string;
  /** The W3C traceparent for central: a valid incoming one as is, else a new trace started here. */
  traceparent: string;
  /** The request's trace id (from `traceparent`), for the access log. */
  traceId: string;
  /** The client's tracestate, kept only with its valid traceparent. */
  tracestate: string | undefined;
  /** The edge cache's outcome for the access log (`hit`, `miss`, `stale`, `revalidated`, `bypass`). */
  cacheStatus: string;
  /** Why the cache forwarded the request to central (its RFC 9211 `fwd`), sent as x-gateway-cache. */
  cacheForward: string;
  /** The coarse rate limit's decision, for the access log. */
  rateLimit: RateLimitLogValue;
  /** Time from sending to central to its response head. */
  upstreamLatencyMs: number;
  /** The normalised path and the raw query string (without "?"), as received. */
  target: { path: string; query: string | undefined };
  route: EdgeRoute;
  /** The client's headers minus trust and hop-by-hop headers: the only headers later steps read. */
  clientHeaders: Headers;
  identity: Identity;
  /** The client's country / continent (request.cf, or the configured proxy headers), when known. */
  location: { country?: string; continent?: string };
  body: LimitedBody | null;
  /** The request for central, ready but for the identity token (createForwardRequest). */
  forwardRequest: PreparedRequest;
  /** Set when the response came from central (gateway-only headers are then not added). */
  proxied: boolean;
  /** A WebSocket handshake on a route that allows it (createRefuseUpgrade); relayed by createWebSocketForward. */
  websocket: boolean;
}

export interface EdgeHonoEnv {
  Variables: EdgeVariables;
}

import type { EdgeConfig, Identity } from "@gateway/types";
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
  /** A valid incoming W3C traceparent, propagated as is. */
  traceparent: string | undefined;
  /** The normalised path and the raw query string (without "?"), as received. */
  target: { path: string; query: string | undefined };
  route: EdgeRoute;
  /** The client's headers minus trust and hop-by-hop headers: the only headers later steps read. */
  clientHeaders: Headers;
  identity: Identity;
  body: LimitedBody | null;
  /** The request for central, ready but for the identity token (createForwardRequest). */
  forwardRequest: PreparedRequest;
  /** Set when the response came from central (gateway-only headers are then not added). */
  proxied: boolean;
}

export interface EdgeHonoEnv {
  Variables: EdgeVariables;
}

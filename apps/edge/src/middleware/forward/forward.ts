import type { IdentitySigner } from "@gateway/identity";
import { pathAndQueryOf } from "@gateway/identity";
import { GatewayError, IDENTITY_HEADER, type ProxyErrorType, REQUEST_ID_HEADER } from "@gateway/types";
import type { Handler } from "hono";
import type { EdgeHonoEnv } from "../../context.ts";
import { removeConsumedCredentials } from "./credentials.ts";
import { forwardedClaimsOf } from "./forwarded.ts";
import { clientResponseHeaders } from "./response-headers.ts";

export interface ForwardOptions {
  /** Base URL of the central tier, e.g. "http://127.0.0.1:8080" (a path prefix is kept). */
  centralUrl: string;
  signer: IdentitySigner;
  fetchCentral: typeof fetch;
}

/** Local dev has no CF-Connecting-IP; the signed client IP then says loopback. */
const DEV_CLIENT_IP = "127.0.0.1";

/** workerd's fetch reports failures by message only; refused and timed-out connections are named. */
function centralFailureType(error: unknown): ProxyErrorType {
  const message = error instanceof Error ? error.message : String(error);
  if (/refused/i.test(message)) return "connection_refused";
  if (/timed? ?out/i.test(message)) return "connection_timeout";
  return "destination_unavailable";
}

/** Sends the request to central with a signed identity bound to the exact method and target. */
export function forward(options: ForwardOptions): Handler<EdgeHonoEnv> {
  const base = options.centralUrl.replace(/\/+$/, "");
  return async (c) => {
    const method = c.req.raw.method;
    const { path, query } = c.get("target");
    const target = new URL(`${base}${path}${query === undefined ? "" : `?${query}`}`);
    const original = new URL(c.req.raw.url);

    const headers = new Headers(c.get("clientHeaders"));
    removeConsumedCredentials(headers, c.get("route"));
    headers.delete("traceparent");
    headers.delete("tracestate");
    const traceparent = c.get("traceparent");
    if (traceparent !== undefined) {
      headers.set("traceparent", traceparent);
      const tracestate = c.req.raw.headers.get("tracestate");
      if (tracestate !== null) headers.set("tracestate", tracestate);
    }
    headers.set(REQUEST_ID_HEADER, c.get("requestId"));
    const forwarded = forwardedClaimsOf(original);
    // Central ignores these headers and uses the signed xfp/xfh claims; they stay for
    // a central that predates the claims while both tiers roll out.
    if (forwarded.forwardedProto !== undefined) headers.set("x-forwarded-proto", forwarded.forwardedProto);
    if (forwarded.forwardedHost !== undefined) headers.set("x-forwarded-host", forwarded.forwardedHost);
    headers.set(
      IDENTITY_HEADER,
      await options.signer.sign({
        identity: c.get("identity"),
        audience: "central",
        method,
        pathAndQuery: pathAndQueryOf(target),
        clientIp: c.req.raw.headers.get("cf-connecting-ip") ?? DEV_CLIENT_IP,
        ...forwarded,
      }),
    );

    const body = c.get("body");
    let upstream: Response;
    try {
      upstream = await options.fetchCentral(target, {
        method,
        headers,
        body: body?.stream ?? null,
        redirect: "manual",
        ...(body ? { signal: body.signal } : {}),
      });
    } catch (error) {
      if (body?.exceeded()) {
        throw new GatewayError(
          "payload_too_large",
          `request body exceeds ${c.get("route").maxBodyBytes} bytes`,
        );
      }
      console.error(
        JSON.stringify({
          level: "error",
          msg: "central unreachable",
          requestId: c.get("requestId"),
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        }),
      );
      throw new GatewayError(
        "upstream_error",
        "the gateway could not reach the upstream tier",
        {},
        {
          proxyError: centralFailureType(error),
        },
      );
    }

    c.set("proxied", true);
    return new Response(upstream.body, {
      status: upstream.status,
      statusText: upstream.statusText,
      headers: clientResponseHeaders(upstream.headers),
    });
  };
}

import type { ClientRequest, IncomingMessage, ServerResponse } from "node:http";
import { rewritePath } from "@gateway/config";
import type { IdentitySigner } from "@gateway/identity";
import { GatewayError, type RouteConfig, targetQuery } from "@gateway/types";
import type { Request, RequestHandler, Response } from "express";
import { createProxyMiddleware, type Plugin } from "http-proxy-middleware";
import type { Logger } from "pino";
import { gatewayContext } from "../context.ts";
import { attachExchange, createExchange, type Exchange, exchangeOf } from "./exchange.ts";
import { setForwardHeaders } from "./forward-headers.ts";
import { relayResponse } from "./relay-response.ts";
import { createUpstreamPool, type Upstream, type UpstreamAgentOptions, upstreamPath } from "./upstreams.ts";

export interface ProxyDeps {
  signer: IdentitySigner;
  logger: Logger;
  agentOptions?: UpstreamAgentOptions;
}

export interface Proxy {
  handler: RequestHandler;
  /** Destroys pooled upstream sockets. */
  close(): void;
}

/** Node's parser only accepts chunked as a request's final transfer coding; its presence means "no declared length". */
function hasChunkedBody(req: IncomingMessage): boolean {
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]?.toLowerCase() === "transfer-encoding") return true;
  }
  return false;
}

const UPSTREAM_UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);

function upstreamErrorMessage(err: Error & { code?: string }): string {
  if (err.code !== undefined && UPSTREAM_UNREACHABLE.has(err.code)) return "upstream is unreachable";
  return "upstream connection failed";
}

/**
 * Counts body bytes as they stream to the upstream: a chunked body (no declared
 * length) that grows past the route's limit aborts the upstream request → 413.
 * Attached in the proxyReq event, right before httpxy pipes the body, so both
 * listeners see every chunk.
 */
function countBody(req: IncomingMessage, exchange: Exchange): void {
  const limit = exchange.route.maxBodyBytes;
  let received = 0;
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received > limit) {
      exchange.fail(new GatewayError("payload_too_large", `request body exceeds ${limit} bytes`));
    }
  };
  req.on("data", onData);
  exchange.onOver(() => req.off("data", onData));
}

/**
 * The httpxy event wiring shared by every upstream. State lives in the Exchange
 * found by request; an event for a request without one (cannot happen through
 * the handler) is answered conservatively.
 */
function exchangeEvents(logger: Logger): Plugin<Request, Response> {
  return (proxyServer) => {
    proxyServer.on("proxyReq", (proxyReq: ClientRequest, req: IncomingMessage) => {
      const exchange = exchangeOf(req);
      if (exchange === undefined || exchange.state !== "waiting") {
        proxyReq.destroy();
        return;
      }
      exchange.proxyReq = proxyReq;
      if (hasChunkedBody(req)) proxyReq.setHeader("transfer-encoding", "chunked");
      countBody(req, exchange);
      // Idle timeout for the rest of the exchange (slow body upload or a stalled response body).
      proxyReq.setTimeout(exchange.route.timeoutMs, () => {
        exchange.fail(new GatewayError("upstream_timeout", "upstream did not respond in time"));
      });
    });
    proxyServer.on("proxyRes", (proxyRes: IncomingMessage, req: IncomingMessage, res: ServerResponse) => {
      const exchange = exchangeOf(req);
      if (exchange === undefined || !exchange.respond()) {
        proxyRes.destroy();
        return;
      }
      relayResponse(proxyRes, res);
    });
    proxyServer.on("error", (err: Error, req?: IncomingMessage, res?: unknown) => {
      const exchange = req === undefined ? undefined : exchangeOf(req);
      if (exchange === undefined) {
        logger.error({ err }, "proxy error outside an exchange");
        if (res !== null && typeof res === "object" && "destroy" in res)
          (res as { destroy(): void }).destroy();
        return;
      }
      if (exchange.state === "over") return;
      logger.warn(
        {
          requestId: exchange.requestId,
          err: { message: err.message, code: (err as { code?: string }).code },
        },
        "upstream error",
      );
      exchange.fail(new GatewayError("upstream_error", upstreamErrorMessage(err)));
    });
    // The client went away mid-request: httpxy already destroyed the upstream request.
    proxyServer.on("econnreset", (_err: Error, req: IncomingMessage) => {
      exchangeOf(req)?.abandon();
    });
  };
}

/**
 * Proxies a routed request: one http-proxy-middleware instance per configured
 * upstream URL, one keep-alive agent per origin, round-robin over the route's URLs. Bodies stream;
 * nothing is buffered or parsed. Needs `context.route`, `context.path` and
 * `context.identity` (runs last in the chain).
 */
export function createProxy(routes: readonly RouteConfig[], deps: ProxyDeps): Proxy {
  const pool = createUpstreamPool(routes, deps.agentOptions);
  const events = exchangeEvents(deps.logger);
  const middlewareByUpstream = new Map<Upstream, RequestHandler>();
  for (const upstream of pool.all()) {
    const middleware = createProxyMiddleware<Request, Response>({
      target: upstream.origin,
      agent: upstream.agent,
      changeOrigin: true,
      xfwd: false,
      selfHandleResponse: true,
      ejectPlugins: true,
      plugins: [events],
    });
    middlewareByUpstream.set(upstream, middleware as unknown as RequestHandler);
  }

  const handler: RequestHandler = (req, res, next) => {
    const context = gatewayContext(res);
    const { route, path, identity } = context;
    if (route === undefined || path === undefined || identity === undefined) {
      next(new Error("proxy reached without route, path and identity"));
      return;
    }
    const upstream = pool.pick(route);
    const pathAndQuery = upstreamPath(upstream, rewritePath(route, path)) + targetQuery(req.url);
    const target = { method: req.method, pathAndQuery, audience: route.name };
    setForwardHeaders(req, context, identity, target, deps.signer).then(() => {
      // The client may have left while the token was being signed.
      if (res.destroyed || req.socket.destroyed) return;
      context.upstream = upstream.origin;
      req.url = pathAndQuery;
      attachExchange(req, createExchange(res, route, context.requestId));
      void middlewareByUpstream.get(upstream)?.(req, res, next);
    }, next);
  };

  return { handler, close: () => pool.destroy() };
}

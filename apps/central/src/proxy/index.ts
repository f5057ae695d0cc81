import type { IncomingMessage, ServerResponse } from "node:http";
import { rewritePath } from "@gateway/config";
import type { IdentitySigner } from "@gateway/identity";
import { GatewayError, type RouteConfig, targetQuery } from "@gateway/types";
import type { Request, RequestHandler } from "express";
import type { Logger } from "pino";
import { type GatewayContext, gatewayContext } from "../context.ts";
import { overloadedError } from "../resilience/bulkhead/index.ts";
import type { Span } from "../tracing/index.ts";
import { callUpstream } from "../upstream/call.ts";
import {
  type AgentRegistry,
  createAgentRegistry,
  type UpstreamAgentOptions,
} from "../upstream/http/agents.ts";
import { createRequestBody, hasChunkedBody, type RequestBody } from "../upstream/http/body.ts";
import { upstreamPath } from "../upstream/http/target.ts";
import type { HttpRequestSpec } from "../upstream/http/transport.ts";
import { type AttemptObserver, observedTransport } from "../upstream/observe.ts";
import type { Lease, TargetSnapshot, UpstreamPool } from "../upstream/types.ts";
import { upstreamKey, upstreamRoutes } from "../upstream/variants/index.ts";
import { createExchange, type Exchange } from "./exchange.ts";
import { setForwardHeaders } from "./forward-headers.ts";
import { relayResponse } from "./relay-response.ts";
import { createRouteUpstream, type RouteUpstream } from "./route-upstreams.ts";

export type { UpstreamAgentOptions } from "../upstream/http/agents.ts";

export interface ProxyDeps {
  signer: IdentitySigner;
  logger: Logger;
  agentOptions?: UpstreamAgentOptions;
  /** Clock for breakers, ejections and retry budgets (epoch ms); default Date.now. */
  now?: () => number;
  /** Randomness for backoff jitter and power-of-two choices; default Math.random. */
  random?: () => number;
  /** Every circuit-breaker transition, per route and target (metrics). */
  onBreakerChange?: (route: string, target: string, state: "closed" | "open" | "half_open") => void;
  /** Every upstream attempt's outcome and time to the response head, per route (metrics). */
  onAttempt?: (route: string, ...attempt: Parameters<AttemptObserver>) => void;
}

export interface RouteSnapshot {
  targets: TargetSnapshot[];
  concurrency: { active: number; queued: number; limit: number; queue: number };
}

export interface Proxy {
  handler: RequestHandler;
  /** Per route: each target's breaker, ejection, health and in-flight count, and the bulkhead (for /readyz?verbose). */
  snapshot(): Record<string, RouteSnapshot>;
  /** A plain (not split) route's pool: WebSocket handshakes go through its breakers too. */
  pool(route: string): UpstreamPool | undefined;
  /** Stops health checks and destroys pooled upstream sockets. */
  close(): void;
}

function hashKeyOf(
  upstream: RouteUpstream,
  req: IncomingMessage,
  context: GatewayContext,
): string | undefined {
  const { balancer } = upstream.settings;
  if (balancer.strategy !== "consistent_hash") return undefined;
  if (balancer.hashBy === "consumer") return context.identity?.sub;
  if (balancer.hashBy === "client_ip") return context.clientIp;
  const value = balancer.header === undefined ? undefined : req.headers[balancer.header];
  return typeof value === "string" ? value : undefined;
}

/** Counts body bytes as they stream: a chunked body that grows past the route's limit ends in 413. */
function bodyCounter(exchange: Exchange): (chunk: Buffer) => void {
  const limit = exchange.route.maxBodyBytes;
  let received = 0;
  return (chunk) => {
    received += chunk.length;
    if (received > limit)
      exchange.fail(new GatewayError("payload_too_large", `request body exceeds ${limit} bytes`));
  };
}

/** The upstream's response: relayed as it streams; the lease learns how it ended. */
function relay(
  proxyRes: IncomingMessage,
  res: ServerResponse,
  exchange: Exchange,
  lease: Lease,
  startedAt: number,
  now: () => number,
) {
  const status = proxyRes.statusCode ?? 502;
  proxyRes.once("end", () => lease.report({ kind: "response", status, latencyMs: now() - startedAt }));
  proxyRes.once("close", () => {
    if (proxyRes.complete) return;
    if (exchange.state === "over") {
      lease.report({ kind: "cancelled" });
      return;
    }
    lease.report({ kind: "failure", failure: "reset", latencyMs: now() - startedAt });
    exchange.fail(
      new GatewayError(
        "upstream_error",
        "upstream response broke off",
        {},
        { proxyError: "http_response_incomplete" },
      ),
    );
  });
  relayResponse(proxyRes, res);
}

/**
 * Proxies a routed request through the route's upstream pool: bulkhead, then
 * attempts (balancer, breakers, outlier ejection, health checks in the pool;
 * retries within the retry budget), then the response streams back. Bodies
 * stream; nothing is parsed. Needs `context.route`, `context.path` and
 * `context.identity` (runs last in the chain).
 */
export function createProxy(routes: readonly RouteConfig[], deps: ProxyDeps): Proxy {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const agents: AgentRegistry = createAgentRegistry(deps.agentOptions);
  const upstreams = new Map<string, RouteUpstream>();
  // One pool per route, or per variant of a split route (upstream/variants).
  for (const [key, route] of routes.flatMap(upstreamRoutes)) {
    const upstream = createRouteUpstream(route, {
      agents,
      logger: deps.logger,
      now,
      random,
      ...(deps.onBreakerChange === undefined ? {} : { onBreakerChange: deps.onBreakerChange }),
    });
    const onAttempt = deps.onAttempt;
    if (onAttempt !== undefined)
      upstream.transport = observedTransport(upstream.transport, (outcome, seconds) =>
        onAttempt(route.name, outcome, seconds),
      );
    upstreams.set(key, upstream);
  }

  const forward = (
    req: Request,
    res: ServerResponse,
    context: GatewayContext,
    upstream: RouteUpstream,
    exchange: Exchange,
    next: (error?: unknown) => void,
  ) => {
    const route = exchange.route;
    const { retry } = upstream.settings;
    const identity = context.identity;
    const path = context.path;
    if (identity === undefined || path === undefined) return;
    const retryableMethod = (retry.methods as readonly string[]).includes(req.method);
    const rewritten = rewritePath(route, path);
    const query = targetQuery(req.url);
    const chunked = hasChunkedBody(req);
    let body: RequestBody | undefined;
    const hashKey = hashKeyOf(upstream, req, context);
    const trace = context.trace;
    // One client span per attempt: the service sees its span id as the parent in `traceparent`.
    let span: Span | undefined;
    let attemptStartedAt = 0;
    callUpstream<HttpRequestSpec, IncomingMessage>({
      pool: upstream.pool,
      transport: upstream.transport,
      retry,
      budget: upstream.budget,
      mayRetry: () => retryableMethod && body?.replayable() === true,
      ...(hashKey === undefined ? {} : { hashKey }),
      now,
      random,
      cancel: {
        isCancelled: () => exchange.state === "over",
        onCancel: (listener) => exchange.onOver(listener),
      },
      async prepare(target, attempt) {
        const http = upstream.targets[target.index];
        if (http === undefined) throw new Error(`no HTTP target at index ${target.index}`);
        const pathAndQuery = upstreamPath(http, rewritten) + query;
        await setForwardHeaders(
          req,
          context,
          identity,
          { method: req.method, pathAndQuery, audience: route.name },
          deps.signer,
        );
        context.upstream = http.origin;
        req.url = pathAndQuery;
        if (trace !== undefined) {
          span?.end(undefined, "retried");
          span = trace.span("upstream", "client", {
            "server.address": http.origin,
            "gateway.attempt": attempt,
          });
          req.headers.traceparent = span.traceparent();
          if (trace.tracestate === undefined) delete req.headers.tracestate;
          else req.headers.tracestate = trace.tracestate;
        }
        body ??= createRequestBody(
          req,
          Math.min(retry.maxBufferedBodyBytes, route.maxBodyBytes),
          bodyCounter(exchange),
        );
        if (chunked) req.headers["transfer-encoding"] = "chunked";
        attemptStartedAt = performance.now();
        return { req, res, body };
      },
    }).then((result) => {
      if (attemptStartedAt !== 0) context.upstreamLatencyMs = performance.now() - attemptStartedAt;
      if (!result.ok) {
        span?.end(undefined, "error" in result ? result.error.code : "cancelled");
        if ("error" in result) {
          if (result.refused === "breaker_open") context.breaker = "open";
          exchange.fail(result.error);
        }
        return;
      }
      context.breaker = result.lease.breaker ?? "closed";
      span?.end(
        { "http.response.status_code": result.status },
        result.status >= 500 ? `HTTP ${result.status}` : undefined,
      );
      if (!exchange.respond()) {
        result.response.destroy();
        result.lease.report({ kind: "cancelled" });
        return;
      }
      relay(result.response, res, exchange, result.lease, result.startedAt, now);
    }, next);
  };

  const handler: RequestHandler = (req, res, next) => {
    const context = gatewayContext(res);
    const { route, path, identity } = context;
    if (route === undefined || path === undefined || identity === undefined) {
      next(new Error("proxy reached without route, path and identity"));
      return;
    }
    const upstream = upstreams.get(upstreamKey(route.name, context.variant));
    if (upstream === undefined) {
      next(new Error(`route "${upstreamKey(route.name, context.variant)}" has no upstream`));
      return;
    }
    const exchange = createExchange(res, route, context.requestId, upstream.settings.timeouts.totalMs);
    const dequeue = upstream.bulkhead.acquire(
      (release) => {
        exchange.onOver(release);
        if (exchange.state === "waiting") forward(req, res, context, upstream, exchange, next);
      },
      (reason) => exchange.fail(overloadedError(reason)),
    );
    exchange.onOver(dequeue);
  };

  return {
    handler,
    pool: (route) => upstreams.get(route)?.pool,
    snapshot() {
      const result: Record<string, RouteSnapshot> = {};
      for (const [name, upstream] of upstreams)
        result[name] = { targets: upstream.pool.snapshot(), concurrency: upstream.bulkhead.snapshot() };
      return result;
    },
    close() {
      for (const upstream of upstreams.values()) upstream.pool.close();
      agents.destroy();
    },
  };
}

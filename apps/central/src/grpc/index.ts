import type { GrpcSchema, HttpBinding, TemplateMatcher } from "@gateway/grpc-schema";
import { createTemplateMatcher, loadRouteSchemas } from "@gateway/grpc-schema";
import type { IdentitySigner } from "@gateway/identity";
import { GatewayError, type GrpcRouteConfig, type RouteConfig } from "@gateway/types";
import type { RequestHandler, Response } from "express";
import type { Logger } from "pino";
import { gatewayContext } from "../context.ts";
import type { UpstreamOutcome } from "../metrics/index.ts";
import { overloadedError, type Release } from "../resilience/bulkhead/index.ts";
import { unavailableError } from "../upstream/call.ts";
import type { UpstreamPoolDeps } from "../upstream/pool.ts";
import type { TargetSnapshot } from "../upstream/types.ts";
import { buildRequestMessage } from "./build-request.ts";
import { serverStreamingCall, unaryCall } from "./call.ts";
import { createGrpcClients, type GrpcClients } from "./clients.ts";
import { callMetadata } from "./metadata.ts";
import { readJsonBody } from "./read-body.ts";
import { createGrpcUpstream, type GrpcUpstream, grpcOutcome } from "./upstream.ts";

export interface GrpcTranscoderDeps {
  signer: IdentitySigner;
  logger: Logger;
  /** Route name → loaded protos and bindings (`loadRouteSchemas`); loaded here when absent. */
  schemas?: ReadonlyMap<string, GrpcSchema>;
  clients?: GrpcClients;
  /** Clock for breakers and ejections (epoch ms); default Date.now. */
  now?: () => number;
  random?: () => number;
  onBreakerChange?: UpstreamPoolDeps["onBreakerChange"];
  /** Every call's outcome and duration, per route (gateway_upstream_duration_seconds). */
  onAttempt?: (route: string, outcome: UpstreamOutcome, seconds: number) => void;
}

export interface GrpcTranscoder {
  /** Transcodes requests routed to a gRPC route; passes every other request on. */
  handler: RequestHandler;
  /** Per route: the breaker and ejection state of its address, and the bulkhead (for /readyz?verbose). */
  snapshot(): Record<
    string,
    { targets: TargetSnapshot[]; concurrency: ReturnType<GrpcUpstream["bulkhead"]["snapshot"]> }
  >;
  /** Closes the gRPC channels. */
  close(): void;
}

interface GrpcRoute {
  config: GrpcRouteConfig;
  upstream: GrpcUpstream;
  schema: GrpcSchema;
  matcher: TemplateMatcher<HttpBinding>;
}

function loadedSchemas(routes: readonly RouteConfig[]): ReadonlyMap<string, GrpcSchema> {
  const { schemas, problems } = loadRouteSchemas(routes);
  if (problems.length > 0) throw new Error(`gRPC routes cannot be served:\n${problems.join("\n")}`);
  return schemas;
}

/** The path below the route prefix, where the google.api.http templates apply. */
function pathBelow(prefix: string, path: string): string {
  if (prefix === "/") return path;
  return path.length === prefix.length ? "/" : path.slice(prefix.length);
}

function queryOf(url: string): URLSearchParams {
  const at = url.indexOf("?");
  return new URLSearchParams(at === -1 ? "" : url.slice(at + 1));
}

/** A slot in the route's bulkhead, or 503 overloaded at once when it and its queue are full. */
function acquireSlot(upstream: GrpcUpstream, res: Response): Promise<Release> {
  return new Promise((resolve, reject) => {
    const cancel = upstream.bulkhead.acquire(resolve, (reason) => reject(overloadedError(reason)));
    // Left while queued: the slot is never taken. (The response closes with the connection;
    // a listener on the keep-alive socket itself would pile up, one per request.)
    res.once("close", cancel);
  });
}

/**
 * REST → gRPC for routes with `grpc`. Runs where the proxy runs (after identity,
 * routing, rate limit and replay check): matches the route's google.api.http
 * rules, builds the request message (path, query, body), calls the method over
 * one shared channel per address with the route timeout as deadline, and writes
 * proto3 JSON back. See docs/grpc.md.
 */
export function createGrpcTranscoder(
  routes: readonly RouteConfig[],
  deps: GrpcTranscoderDeps,
): GrpcTranscoder {
  const clients = deps.clients ?? createGrpcClients();
  const now = deps.now ?? Date.now;
  const schemas = deps.schemas ?? loadedSchemas(routes);
  const byRoute = new Map<string, GrpcRoute>();
  for (const route of routes) {
    if (route.grpc === undefined) continue;
    const schema = schemas.get(route.name);
    if (schema === undefined) throw new Error(`gRPC route "${route.name}" has no loaded schema`);
    const matcher = createTemplateMatcher(
      schema.bindings.map((binding) => ({
        method: binding.httpMethod,
        template: binding.template,
        value: binding,
      })),
    );
    const upstream = createGrpcUpstream(route, route.grpc.address, {
      logger: deps.logger,
      now,
      random: deps.random ?? Math.random,
      ...(deps.onBreakerChange === undefined ? {} : { onBreakerChange: deps.onBreakerChange }),
    });
    byRoute.set(route.name, { config: route.grpc, schema, matcher, upstream });
    if (schema.clientStreaming.length > 0)
      deps.logger.warn(
        { route: route.name, methods: schema.clientStreaming },
        "client-streaming gRPC methods have HTTP rules but are not transcoded (501)",
      );
  }

  const transcode = async (...[req, res]: Parameters<RequestHandler>): Promise<void> => {
    const context = gatewayContext(res);
    const { route, path, identity } = context;
    const grpcRoute = route === undefined ? undefined : byRoute.get(route.name);
    if (route === undefined || grpcRoute === undefined || path === undefined || identity === undefined)
      throw new Error("gRPC transcoder reached without a gRPC route, path and identity");
    const match = grpcRoute.matcher.match(req.method, pathBelow(route.path, path));
    if (match.kind === "none") throw new GatewayError("not_found", "no gRPC method is mapped to this path");
    if (match.kind === "method_not_allowed")
      throw new GatewayError("method_not_allowed", `${req.method} is not allowed here`, {
        allow: match.allowed.join(", "),
      });
    const binding = match.value;
    if (binding.grpc.requestStream)
      throw new GatewayError(
        "not_implemented",
        `${binding.grpc.fullName} streams from the client: client-streaming and bidirectional methods are not transcoded`,
      );
    const body = await readJsonBody(req, route.maxBodyBytes);
    const request = buildRequestMessage(binding, {
      variables: match.variables,
      query: queryOf(req.url),
      body,
    });
    // The call's client span: the service sees its id as the parent in the traceparent metadata.
    const span = context.trace?.span("grpc.transcode", "client", {
      "rpc.system": "grpc",
      "rpc.method": binding.grpc.fullName,
      "server.address": grpcRoute.config.address,
    });
    if (span !== undefined) {
      req.headers.traceparent = span.traceparent();
      if (context.trace?.tracestate === undefined) delete req.headers.tracestate;
      else req.headers.tracestate = context.trace.tracestate;
      res.once("close", () => {
        const status = res.statusCode;
        span.end({ "http.response.status_code": status }, status >= 500 ? `HTTP ${status}` : undefined);
      });
    }
    const metadata = await callMetadata(
      req.headers,
      identity,
      context.requestId,
      { audience: route.name, grpcPath: binding.grpc.path },
      grpcRoute.config.forwardHeaders,
      deps.signer,
    );
    // The client may have left while the body was read or the token signed.
    if (res.destroyed || req.socket.destroyed) return;
    const release = await acquireSlot(grpcRoute.upstream, res);
    // Released when the call ends, or if the client leaves before it does.
    res.once("close", release);
    const picked = grpcRoute.upstream.pool.pick();
    if (!picked.ok) {
      release();
      if (picked.reason === "breaker_open") context.breaker = "open";
      throw unavailableError(picked.reason, picked.retryAfterMs);
    }
    context.breaker = picked.lease.breaker ?? "closed";
    context.upstream = `grpc://${grpcRoute.config.address}`;
    const options = {
      now,
      onEnd(end: Parameters<typeof grpcOutcome>[0]) {
        const outcome = grpcOutcome(end);
        picked.lease.report(outcome);
        release();
        if (outcome.kind === "cancelled") return;
        context.upstreamLatencyMs = outcome.latencyMs;
        deps.onAttempt?.(
          route.name,
          outcome.kind === "failure" ? outcome.failure : outcome.status >= 500 ? "http_5xx" : "success",
          outcome.latencyMs / 1000,
        );
      },
      client: clients.get(grpcRoute.config.address, grpcRoute.config.tls),
      binding,
      root: grpcRoute.schema.root,
      request,
      metadata,
      timeoutMs: route.timeoutMs,
      streamFormat: grpcRoute.config.streamFormat,
    };
    if (binding.grpc.responseStream) serverStreamingCall(res, options);
    else unaryCall(res, options);
  };

  const handler: RequestHandler = (req, res, next) => {
    const route = gatewayContext(res).route;
    if (route?.grpc === undefined) {
      next();
      return;
    }
    transcode(req, res, next).catch(next);
  };

  return {
    handler,
    snapshot() {
      const result: ReturnType<GrpcTranscoder["snapshot"]> = {};
      for (const [name, route] of byRoute)
        result[name] = {
          targets: route.upstream.pool.snapshot(),
          concurrency: route.upstream.bulkhead.snapshot(),
        };
      return result;
    },
    close() {
      for (const route of byRoute.values()) route.upstream.pool.close();
      clients.close();
    },
  };
}

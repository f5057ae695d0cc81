import type { GrpcSchema, HttpBinding, TemplateMatcher } from "@gateway/grpc-schema";
import { createTemplateMatcher, loadRouteSchemas } from "@gateway/grpc-schema";
import type { IdentitySigner } from "@gateway/identity";
import { GatewayError, type GrpcRouteConfig, type RouteConfig } from "@gateway/types";
import type { RequestHandler } from "express";
import type { Logger } from "pino";
import { gatewayContext } from "../context.ts";
import { buildRequestMessage } from "./build-request.ts";
import { serverStreamingCall, unaryCall } from "./call.ts";
import { createGrpcClients, type GrpcClients } from "./clients.ts";
import { callMetadata } from "./metadata.ts";
import { readJsonBody } from "./read-body.ts";

export interface GrpcTranscoderDeps {
  signer: IdentitySigner;
  logger: Logger;
  /** Route name → loaded protos and bindings (`loadRouteSchemas`); loaded here when absent. */
  schemas?: ReadonlyMap<string, GrpcSchema>;
  clients?: GrpcClients;
}

export interface GrpcTranscoder {
  /** Transcodes requests routed to a gRPC route; passes every other request on. */
  handler: RequestHandler;
  /** Closes the gRPC channels. */
  close(): void;
}

interface GrpcRoute {
  config: GrpcRouteConfig;
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
    byRoute.set(route.name, { config: route.grpc, schema, matcher });
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
    context.upstream = `grpc://${grpcRoute.config.address}`;
    const options = {
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

  return { handler, close: () => clients.close() };
}

import { randomUUID } from "node:crypto";
import { errorBody, GatewayError, type RouteConfig } from "@gateway/types";
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from "express";
import type { GatewayContext } from "../../src/context.ts";

/**
 * A minimal central stand-in around the rate limit plugin: a context
 * middleware playing identity + routing (route = /r/<name>, consumer from
 * x-test-user, tenant from x-test-tenant, a deferred replay check for the
 * jti in x-test-jti), a 200 handler, and a GatewayError
 * renderer. `routes` maps route name to the policy names it applies.
 */
export function createTestApp(rateLimit: RequestHandler, routes: Record<string, string[]>): Express {
  const app = express();
  app.get("/clock", (_req, res) => {
    res.json({ now: Date.now() });
  });
  app.use("/r/:route", (req, res, next) => {
    const name = String(req.params.route);
    const policies = routes[name];
    if (!policies) return next(new GatewayError("not_found", "No route"));
    const route = { name, rateLimit: policies, path: `/r/${name}` } as RouteConfig;
    const context: GatewayContext = {
      requestId: randomUUID(),
      startedAt: process.hrtime.bigint(),
      clientIp: req.socket.remoteAddress ?? "-",
      identity: {
        sub: req.header("x-test-user") ?? "anonymous",
        tenant: req.header("x-test-tenant"),
        roles: [],
        scopes: [],
        auth: "jwt",
        iss: "edge",
        aud: "central",
        iat: 0,
        exp: 0,
        jti: "-",
        htm: req.method,
        htp: "-",
      },
      route,
    };
    const jti = req.header("x-test-jti");
    if (jti !== undefined) context.replay = { jti, expiresAt: Math.floor(Date.now() / 1000) + 30 };
    res.locals.gateway = context;
    next();
  });
  app.use("/r/:route", rateLimit);
  app.use("/r/:route", (_req, res) => {
    res.json({ ok: true });
  });
  const renderError: ErrorRequestHandler = (error, _req, res, _next) => {
    const gatewayError =
      error instanceof GatewayError ? error : new GatewayError("internal_error", "Internal error");
    res.status(gatewayError.status).set(gatewayError.headers);
    res.json(errorBody(gatewayError.code, gatewayError.message, res.locals.gateway?.requestId ?? "-"));
  };
  app.use(renderError);
  return app;
}

import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { IdentityVerifier } from "@gateway/identity";
import { verifyNodeRequest } from "@gateway/identity/node";
import { REQUEST_ID_HEADER } from "@gateway/types";
import { HttpError, sendError, sendJson } from "./http-json.ts";
import { dispatch } from "./routes.ts";
import { createMemoryUserStore, type UserStore } from "./users-store.ts";
import { attachWebSocketEcho } from "./websocket-echo.ts";

export type LogEntry = Record<string, unknown>;
export type Logger = (entry: LogEntry) => void;

export interface DemoUsersServerOptions {
  verifier: IdentityVerifier;
  /** One call per finished request (and per unexpected error); defaults to JSON lines on stdout. */
  logger?: Logger;
  store?: UserStore;
  /** Milliseconds since the epoch. */
  now?: () => number;
}

export const jsonLineLogger: Logger = (entry) => process.stdout.write(`${JSON.stringify(entry)}\n`);

/**
 * The demo REST service behind central. Every route except /healthz requires
 * a valid identity token from central, bound to this exact method and target.
 */
export function createDemoUsersServer(options: DemoUsersServerOptions): Server {
  const logger = options.logger ?? jsonLineLogger;
  const now = options.now ?? Date.now;
  const store = options.store ?? createMemoryUserStore();
  let requestCount = 0;
  const deps = { store, now, startedAt: now(), requestCount: () => requestCount };

  const server = createServer(async (req, res) => {
    requestCount++;
    const startedAt = performance.now();
    const requestId = requestIdOf(req);
    const logFields: LogEntry = {};
    res.setHeader(REQUEST_ID_HEADER, requestId);
    res.on("close", () => {
      logger({
        time: new Date(now()).toISOString(),
        service: "demo-users",
        requestId,
        method: req.method,
        path: req.url,
        status: res.statusCode,
        durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
        ...(res.writableFinished ? {} : { aborted: true }),
        ...logFields,
      });
    });

    try {
      const url = new URL(req.url ?? "/", "http://demo-users.invalid");
      if (url.pathname === "/healthz") {
        if (req.method !== "GET" && req.method !== "HEAD") {
          throw new HttpError("method_not_allowed", `${req.method} not allowed on /healthz`, {
            allow: "GET",
          });
        }
        return sendJson(res, 200, { status: "ok" });
      }
      const verified = await verifyNodeRequest(options.verifier, req);
      if (!verified.ok) {
        logFields.identityFailure = verified.reason;
        throw new HttpError("invalid_identity", verified.message);
      }
      logFields.sub = verified.claims.sub;
      await dispatch({ req, res, url, claims: verified.claims }, deps);
    } catch (error) {
      const httpError =
        error instanceof HttpError ? error : new HttpError("internal_error", "internal error");
      if (!(error instanceof HttpError)) logFields.error = String(error);
      if (res.headersSent) res.destroy();
      else sendError(res, httpError, requestId);
    }
  });
  // Longer than a typical proxy pool's idle timeout, so the gateway closes idle
  // keep-alive sockets first and never reuses one this side is closing.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  attachWebSocketEcho(server, { verifier: options.verifier, logger });
  return server;
}

function requestIdOf(req: IncomingMessage): string {
  const value = req.headers[REQUEST_ID_HEADER];
  return typeof value === "string" && value !== "" && value.length <= 200 ? value : randomUUID();
}

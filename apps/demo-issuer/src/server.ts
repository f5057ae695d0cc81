import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { HttpError, readJsonBody, sendError, sendJson } from "./http-json.ts";
import type { Issuer } from "./issuer.ts";
import { parseTokenRequest } from "./token-request.ts";

export type Logger = (entry: Record<string, unknown>) => void;

export interface IssuerServerOptions {
  issuer: Issuer;
  /** One call per finished request; defaults to a JSON line on stdout. */
  logger?: Logger;
}

const MAX_TOKEN_REQUEST_BYTES = 16 * 1024;

export function createIssuerServer(options: IssuerServerOptions): Server {
  const log = options.logger ?? ((entry) => process.stdout.write(`${JSON.stringify(entry)}\n`));
  return createServer((req, res) => {
    const startedAt = performance.now();
    const requestId = headerValue(req, "x-request-id") ?? randomUUID();
    res.setHeader("x-request-id", requestId);
    res.on("finish", () => {
      log({
        time: new Date().toISOString(),
        service: "demo-issuer",
        requestId,
        method: req.method,
        path: req.url,
        status: res.statusCode,
        durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
      });
    });
    handle(options.issuer, req, res).catch((error: unknown) => {
      const httpError =
        error instanceof HttpError ? error : new HttpError(500, "internal_error", "internal error");
      if (!(error instanceof HttpError)) {
        log({ time: new Date().toISOString(), level: "error", requestId, error: String(error) });
      }
      if (res.headersSent) res.destroy();
      else sendError(res, httpError, requestId);
    });
  });
}

async function handle(issuer: Issuer, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? "/", "http://issuer.invalid").pathname;
  const route = `${req.method} ${path}`;
  switch (route) {
    case "GET /healthz":
      return sendJson(res, 200, { status: "ok" });
    case "GET /.well-known/jwks.json":
      return sendJson(res, 200, issuer.jwks());
    case "GET /.well-known/openid-configuration":
      return sendJson(res, 200, {
        issuer: issuer.issuer,
        jwks_uri: `${originOf(req)}/.well-known/jwks.json`,
        token_endpoint: `${originOf(req)}/token`,
        id_token_signing_alg_values_supported: ["ES256"],
      });
    case "POST /token": {
      const parsed = parseTokenRequest(await readJsonBody(req, MAX_TOKEN_REQUEST_BYTES));
      if (!parsed.ok) throw new HttpError(400, "bad_request", parsed.message);
      return sendJson(res, 200, await issuer.mint(parsed.value));
    }
  }
  const knownPaths = ["/healthz", "/.well-known/jwks.json", "/.well-known/openid-configuration", "/token"];
  if (knownPaths.includes(path)) throw new HttpError(405, "method_not_allowed", `${req.method} not allowed`);
  throw new HttpError(404, "not_found", `no route for ${path}`);
}

function originOf(req: IncomingMessage): string {
  return `http://${req.headers.host ?? "localhost"}`;
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

import { randomUUID } from "node:crypto";
import { GatewayError } from "@gateway/types";
import express, { type NextFunction, type Request, type Response } from "express";
import type { Logger } from "pino";
import { sendGatewayError } from "../errors.ts";
import { createAdminTokenCheck } from "./admin-auth.ts";
import type { KeyEnvironment } from "./key-material.ts";
import type { ConsumerInput, ConsumerService, NewKeyOptions } from "./service.ts";
import { asObject, CONSUMER_ID, label, rejectUnknown, seconds, stringList } from "./validate.ts";

const TEN_YEARS = 10 * 365 * 86_400;
const MAX_OVERLAP = 90 * 86_400;

export interface AdminApiDeps {
  service: ConsumerService;
  /** CENTRAL_ADMIN_TOKEN: the only credential this API accepts. */
  token: string;
  logger: Logger;
}

type Handler = (req: Request, res: Response) => Promise<void>;

/**
 * The admin API: consumers and their keys. Served on its own listener (never
 * the one the edge forwards to) and only with the admin bearer token. The
 * plaintext of a key appears in exactly one response: the one that created it.
 */
export function createAdminApi(deps: AdminApiDeps): express.Express {
  const { service } = deps;
  const authorized = createAdminTokenCheck(deps.token);
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.set("query parser", false);

  app.use((req, res, next) => {
    const requestId = randomUUID();
    res.locals.requestId = requestId;
    res.setHeader("x-request-id", requestId);
    res.setHeader("cache-control", "no-store");
    res.on("finish", () => {
      // Path only: ids are not secrets; bodies (which may hold a new key) are never logged.
      deps.logger.info(
        { requestId, method: req.method, path: req.path, status: res.statusCode },
        "admin request",
      );
    });
    if (!authorized(req.headers.authorization)) {
      next(
        new GatewayError("unauthorized", "admin credential required", {
          "www-authenticate": 'Bearer realm="gateway-admin"',
        }),
      );
      return;
    }
    next();
  });
  app.use(express.json({ limit: "16kb", strict: true }));

  const route = (handler: Handler) => (req: Request, res: Response, next: NextFunction) => {
    handler(req, res).catch(next);
  };
  const id = (req: Request, name: string) => String(req.params[name]);

  app.get(
    "/v1/consumers",
    route(async (_req, res) => {
      res.json({ consumers: await service.listConsumers() });
    }),
  );
  app.post(
    "/v1/consumers",
    route(async (req, res) => {
      const input = consumerInput(req.body, true);
      if (input.name === undefined) throw new GatewayError("bad_request", "name is required");
      const consumer = await service.createConsumer({ ...input, name: input.name });
      res.status(201).json(consumer);
    }),
  );
  app.get(
    "/v1/consumers/:id",
    route(async (req, res) => {
      res.json(await service.getConsumer(id(req, "id")));
    }),
  );
  app.patch(
    "/v1/consumers/:id",
    route(async (req, res) => {
      res.json(await service.updateConsumer(id(req, "id"), consumerInput(req.body, false)));
    }),
  );
  app.delete(
    "/v1/consumers/:id",
    route(async (req, res) => {
      await service.deleteConsumer(id(req, "id"));
      res.status(204).end();
    }),
  );
  app.get(
    "/v1/consumers/:id/keys",
    route(async (req, res) => {
      res.json({ keys: await service.listKeys(id(req, "id")) });
    }),
  );
  app.post(
    "/v1/consumers/:id/keys",
    route(async (req, res) => {
      const options = keyOptions(req.body ?? {}, []);
      res.status(201).json(await service.createKey(id(req, "id"), options));
    }),
  );
  app.get(
    "/v1/keys/:keyId",
    route(async (req, res) => {
      res.json(await service.getKey(id(req, "keyId")));
    }),
  );
  app.post(
    "/v1/keys/:keyId/rotate",
    route(async (req, res) => {
      const body = asObject(req.body ?? {});
      const options = keyOptions(body, ["overlapSeconds"]);
      const overlapSeconds = seconds(body, "overlapSeconds", MAX_OVERLAP);
      const rotated = await service.rotateKey(id(req, "keyId"), {
        ...options,
        ...(overlapSeconds === undefined ? {} : { overlapSeconds }),
      });
      res.status(201).json(rotated);
    }),
  );
  app.post(
    "/v1/keys/:keyId/revoke",
    route(async (req, res) => {
      res.json(await service.revokeKey(id(req, "keyId")));
    }),
  );

  app.use((_req, _res, next) => next(new GatewayError("not_found", "no such admin endpoint")));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const requestId = String(res.locals.requestId ?? "unknown");
    if (err instanceof GatewayError) return sendGatewayError(res, err, requestId);
    const status = (err as { status?: unknown }).status;
    if (typeof status === "number" && status >= 400 && status < 500) {
      const code = status === 413 ? "payload_too_large" : "bad_request";
      return sendGatewayError(
        res,
        new GatewayError(code, code === "bad_request" ? "body is not valid JSON" : "body too large"),
        requestId,
      );
    }
    // The message only: a Redis error object can carry the command and its arguments (key names).
    deps.logger.error({ requestId, err: { message: (err as Error)?.message } }, "admin request failed");
    sendGatewayError(
      res,
      new GatewayError("service_unavailable", "the consumer store is unavailable", { "retry-after": "1" }),
      requestId,
    );
  });
  return app;
}

function consumerInput(raw: unknown, creating: boolean): ConsumerInput {
  const body = asObject(raw);
  rejectUnknown(
    body,
    creating
      ? ["id", "name", "roles", "scopes", "tenant", "rateLimit"]
      : ["name", "roles", "scopes", "tenant", "rateLimit"],
  );
  const id = creating && body.id !== undefined ? body.id : undefined;
  if (id !== undefined && (typeof id !== "string" || !CONSUMER_ID.test(id))) {
    throw new GatewayError(
      "bad_request",
      "id must be 1-128 letters, digits or . _ : @ -, starting with a letter or digit",
    );
  }
  const name = label(body, "name");
  const roles = stringList(body, "roles");
  const scopes = stringList(body, "scopes");
  const rateLimit = stringList(body, "rateLimit");
  const tenant = body.tenant === null ? null : label(body, "tenant");
  return {
    ...(id === undefined ? {} : { id }),
    ...(name === undefined ? {} : { name }),
    ...(roles === undefined ? {} : { roles }),
    ...(scopes === undefined ? {} : { scopes }),
    ...(rateLimit === undefined ? {} : { rateLimit }),
    ...(tenant === undefined ? {} : { tenant }),
  };
}

function keyOptions(raw: unknown, extra: string[]): NewKeyOptions {
  const body = asObject(raw);
  rejectUnknown(body, ["expiresInSeconds", "environment", ...extra]);
  const expiresInSeconds = seconds(body, "expiresInSeconds", TEN_YEARS);
  const environment = body.environment;
  if (environment !== undefined && environment !== "live" && environment !== "test") {
    throw new GatewayError("bad_request", 'environment must be "live" or "test"');
  }
  return {
    ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }),
    ...(environment === undefined ? {} : { environment: environment as KeyEnvironment }),
  };
}

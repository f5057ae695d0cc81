import { GatewayError, KEY_VERIFIER_SUBJECT, KEY_VERIFY_PATH } from "@gateway/types";
import type { Request, RequestHandler } from "express";
import type { Logger } from "pino";
import { gatewayContext } from "../context.ts";
import type { ConsumerService } from "./service.ts";

const MAX_BODY_BYTES = 1024;

/**
 * POST /_gateway/keys/verify for the edge. Mounted after identity verification:
 * the caller must hold an edge-signed token whose subject is the edge itself,
 * which no client request can produce; anyone else gets the 404 any unknown
 * path gets. The key travels in the body (never in a URL that could be logged).
 */
export function createKeyVerifyEndpoint(service: ConsumerService, logger: Logger): RequestHandler {
  return (req, res, next) => {
    if (req.url !== KEY_VERIFY_PATH) return next();
    const context = gatewayContext(res);
    const identity = context.identity;
    if (identity?.sub !== KEY_VERIFIER_SUBJECT || identity.auth !== "anonymous" || req.method !== "POST") {
      return next(new GatewayError("not_found", "no route for this path"));
    }
    // A verification is a read: its token's replay check is not worth a Redis round trip.
    delete context.replay;
    readKey(req)
      .then((key) => service.verify(key))
      .then((verdict) => {
        res.setHeader("cache-control", "no-store");
        res.json(verdict);
      })
      .catch((error: unknown) => {
        if (error instanceof GatewayError) return next(error);
        // The message only: a Redis error object can carry the command and its arguments (key hashes).
        logger.warn(
          { requestId: context.requestId, err: { message: (error as Error)?.message } },
          "API key verification failed",
        );
        next(
          new GatewayError("service_unavailable", "API key verification is unavailable", {
            "retry-after": "1",
          }),
        );
      });
  };
}

async function readKey(req: Request): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new GatewayError("payload_too_large", "verification request too large");
    chunks.push(chunk as Buffer);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new GatewayError("bad_request", "expected a JSON body");
  }
  const key = (body as { key?: unknown } | null)?.key;
  if (typeof key !== "string") throw new GatewayError("bad_request", 'expected {"key": "..."}');
  return key;
}

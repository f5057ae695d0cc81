import { GatewayError, IDENTITY_HEADER } from "@gateway/types";
import type { RequestHandler } from "express";

export const GATEWAY_JWKS_PATH = "/.well-known/gateway-jwks.json";

/** Public members only: whatever the input held, no private component can be published. */
function publicJwk(jwk: JsonWebKey & { kid?: string }): JsonWebKey {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, kid: jwk.kid, alg: "EdDSA", use: "sig" } as JsonWebKey;
}

/**
 * `GET /.well-known/gateway-jwks.json`: central's Ed25519 public keys, so services
 * (`jwksUrl` in their verifier) follow rotations without a redeploy. Answered on central's
 * own listener for callers inside the network. A request that came through the edge
 * (it carries an identity token) is not answered here: it goes on to routing, so the
 * document is reachable from outside only if a route is configured for this path.
 */
export function createGatewayJwksEndpoint(keys: readonly JsonWebKey[]): RequestHandler {
  const body = JSON.stringify({ keys: keys.map(publicJwk) });
  return (req, res, next) => {
    const queryAt = req.url.indexOf("?");
    const path = queryAt === -1 ? req.url : req.url.slice(0, queryAt);
    if (path !== GATEWAY_JWKS_PATH || req.headers[IDENTITY_HEADER] !== undefined) {
      next();
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      next(new GatewayError("method_not_allowed", `${req.method} is not allowed on ${GATEWAY_JWKS_PATH}`));
      return;
    }
    res.setHeader("content-type", "application/jwk-set+json");
    // Short: a verifier refetches on an unknown kid anyway; caches must not pin a retired set.
    res.setHeader("cache-control", "public, max-age=60");
    res.status(200).end(req.method === "HEAD" ? undefined : body);
  };
}

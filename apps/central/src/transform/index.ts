import type { RouteConfig } from "@gateway/types";
import type { RequestHandler } from "express";
import { gatewayContext } from "../context.ts";
import { createRequestTransform, type RequestTransform } from "./request.ts";
import { interceptResponse, type ResponseTransformOptions } from "./response.ts";

export { interceptResponse, type ResponseTransformOptions } from "./response.ts";

interface RouteTransforms {
  request?: RequestTransform;
  response?: ResponseTransformOptions;
}

/**
 * Central's per-route transforms (routes[].transform, docs/traffic.md), as one
 * step after routing, the variant choice and the body limit, before the proxy:
 * it edits the request's headers and query in place (the service sees the
 * result, the identity headers are set after it) and hooks the response so its
 * header rules and the JSON envelope apply to what is sent back. Undefined when
 * no route has a transform.
 */
export function createTransforms(routes: readonly RouteConfig[]): RequestHandler | undefined {
  const byRoute = new Map<string, RouteTransforms>();
  for (const route of routes) {
    const transform = route.transform;
    if (transform === undefined) continue;
    byRoute.set(route.name, {
      ...(transform.request === undefined ? {} : { request: createRequestTransform(transform.request) }),
      ...(transform.response === undefined ? {} : { response: transform.response }),
    });
  }
  if (byRoute.size === 0) return undefined;

  return (req, res, next) => {
    const context = gatewayContext(res);
    const transforms = context.route === undefined ? undefined : byRoute.get(context.route.name);
    if (transforms === undefined) {
      next();
      return;
    }
    const { request, response } = transforms;
    if (request !== undefined) {
      request.headers(req.headers, context, req.method);
      const url = req.url;
      const queryAt = url.indexOf("?");
      if (request.changesQuery && queryAt !== -1) {
        const original = url.slice(queryAt + 1);
        const query = request.query(original);
        if (query !== original)
          req.url = query === "" ? url.slice(0, queryAt) : `${url.slice(0, queryAt)}?${query}`;
      }
    }
    if (response !== undefined)
      interceptResponse(res, response, { method: req.method, requestId: context.requestId });
    next();
  };
}

import { GatewayError } from "@gateway/types";
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import type { EdgeHonoEnv } from "../../context.ts";
import { renderError } from "./render-error.ts";

export function createErrorHandler(): ErrorHandler<EdgeHonoEnv> {
  return (error, c) => renderError(c, error);
}

export function createNotFoundHandler(): NotFoundHandler<EdgeHonoEnv> {
  return (c: Context<EdgeHonoEnv>) =>
    renderError(c, new GatewayError("not_found", "no route matches this path"));
}

import {
  type EdgeConfig,
  errorBody,
  GATEWAY_SECURITY_HEADERS,
  PROXY_STATUS_HEADER,
  proxyStatusEntry,
} from "@gateway/types";
import { createApp, type EdgeApp } from "./app.ts";
import { depsFromEnv, type EdgeBindings } from "./env.ts";

type Built = { ok: true; app: EdgeApp } | { ok: false; problem: string };

/**
 * The Worker's fetch handler. The app (and its JWKS caches) is built from env
 * on the first request and reused for the isolate's life. A bad env is not a
 * crash: every request gets a 500 and the log says which variable is wrong.
 */
export function createEdgeWorker(config: EdgeConfig): ExportedHandler<EdgeBindings> {
  let built: Promise<Built> | undefined;

  function build(env: EdgeBindings): Promise<Built> {
    built ??= depsFromEnv(env, config).then(
      (deps): Built => ({ ok: true, app: createApp(deps) }),
      (error: unknown): Built => ({
        ok: false,
        problem: error instanceof Error ? error.message : String(error),
      }),
    );
    return built;
  }

  return {
    async fetch(request, env, ctx) {
      const result = await build(env);
      if (result.ok) return result.app.fetch(request, env, ctx);
      const requestId = crypto.randomUUID();
      console.error(
        JSON.stringify({ level: "error", msg: "edge misconfigured", problem: result.problem, requestId }),
      );
      return Response.json(errorBody("internal_error", "the gateway is misconfigured", requestId), {
        status: 500,
        headers: {
          ...GATEWAY_SECURITY_HEADERS,
          "cache-control": "no-store",
          "x-request-id": requestId,
          [PROXY_STATUS_HEADER]: proxyStatusEntry("edge", "internal_error"),
        },
      });
    },
  };
}

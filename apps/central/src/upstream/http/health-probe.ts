import http from "node:http";
import https from "node:https";
import type { HealthProbe } from "../../resilience/health-check/index.ts";
import { type HttpTarget, upstreamPath } from "./target.ts";

/** GET `path` (under the target URL's own path) on the target, with its keep-alive agent; resolves with the status. */
export function httpHealthProbe(targets: readonly HttpTarget[], path: string): HealthProbe {
  return (index, timeoutMs) =>
    new Promise((resolve, reject) => {
      const target = targets[index];
      if (target === undefined) {
        reject(new Error(`no target at index ${index}`));
        return;
      }
      const request = (target.protocol === "https:" ? https : http).request({
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: "GET",
        path: upstreamPath(target, path),
        headers: { host: target.host, "user-agent": "gateway-central-health-check" },
        agent: target.agent,
      });
      const timer = setTimeout(
        () => request.destroy(new Error(`no answer within ${timeoutMs}ms`)),
        timeoutMs,
      );
      request.once("response", (response) => {
        clearTimeout(timer);
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.once("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      request.end();
    });
}

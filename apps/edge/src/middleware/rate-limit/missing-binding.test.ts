import { createExecutionContext } from "cloudflare:test";
import { compileEdge, parseConfig } from "@gateway/config";
import type { EdgeRateLimitPolicy } from "@gateway/types";
import { describe, expect, inject, it, vi } from "vitest";
import { testConfigYaml } from "../../../test/workerd/edge-fixture.ts";
import { createEdgeWorker } from "../../worker.ts";

function workerWith(policy: EdgeRateLimitPolicy) {
  const config = compileEdge(parseConfig(testConfigYaml({ tag: crypto.randomUUID() }), {}));
  return createEdgeWorker({ ...config, rateLimits: { edge: [policy] } });
}

async function call(policy: EdgeRateLimitPolicy, extraEnv: Record<string, unknown> = {}): Promise<Response> {
  const servers = inject("servers");
  const env = {
    CENTRAL_URL: servers.centralOrigin,
    EDGE_CENTRAL_KEYS: JSON.stringify(servers.edgeCentralKeys),
    ...extraEnv,
  };
  const request = new Request("http://localhost/api/public/x") as Request<
    unknown,
    IncomingRequestCfProperties
  >;
  // biome-ignore lint/style/noNonNullAssertion: createEdgeWorker always defines fetch
  return workerWith(policy).fetch!(request, env, createExecutionContext());
}

describe("Worker env: edge rate-limit bindings", () => {
  it.each([
    [
      { name: "ip-coarse", kind: "binding", limit: 100, windowSeconds: 60, key: ["ip"] },
      "rate limit binding RL_IP_COARSE for edge policy",
    ],
    [
      { name: "precise", kind: "durable_object", limit: 100, windowSeconds: 60, key: ["ip"] },
      "rate limit binding EDGE_LIMITER for edge policy",
    ],
  ] as const)("answers 500 JSON and logs the missing binding (%#)", async (policy, problem) => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await call({ ...policy, key: [...policy.key] });
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { code: string } };
    expect(body.error.code).toBe("internal_error");
    expect(logged.mock.calls.flat().join(" ")).toContain(problem);
    logged.mockRestore();
  });

  it("serves when the binding is there", async () => {
    const { env } = await import("cloudflare:workers");
    const response = await call(
      { name: "test-ip", kind: "binding", limit: 3, windowSeconds: 60, key: ["ip"] },
      { RL_TEST_IP: (env as unknown as Record<string, unknown>).RL_TEST_IP },
    );
    expect(response.status).toBe(200);
  });
});

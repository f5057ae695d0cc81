import { createExecutionContext } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { compileEdge, parseConfig } from "@gateway/config";
import { describe, expect, inject, it, vi } from "vitest";
import { recorded, testConfigYaml } from "../test/workerd/edge-fixture.ts";
import { createEdgeWorker } from "./worker.ts";

const config = () => compileEdge(parseConfig(testConfigYaml({ tag: crypto.randomUUID() }), {}));

async function call(env: Record<string, string | undefined>): Promise<Response> {
  const worker = createEdgeWorker(config());
  const request = new Request("http://localhost/api/public/x") as Request<
    unknown,
    IncomingRequestCfProperties
  >;
  // biome-ignore lint/style/noNonNullAssertion: createEdgeWorker always defines fetch
  return worker.fetch!(request, env, createExecutionContext());
}

describe("Worker env handling", () => {
  it("answers 500 internal_error (and logs the variable's name) when the identity key is missing", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await call({ CENTRAL_URL: inject("servers").centralOrigin });
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe("internal_error");
    expect(body.error.requestId).toBe(response.headers.get("x-request-id"));
    expect(logged.mock.calls.flat().join(" ")).toContain("EDGE_IDENTITY_PRIVATE_JWK is not set");
    logged.mockRestore();
  });

  it("never logs the value of a malformed key", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await call({
      CENTRAL_URL: inject("servers").centralOrigin,
      EDGE_IDENTITY_PRIVATE_JWK: '{"d":"super-secret-material"',
    });
    expect(response.status).toBe(500);
    const log = logged.mock.calls.flat().join(" ");
    expect(log).toContain("EDGE_IDENTITY_PRIVATE_JWK");
    expect(log).not.toContain("super-secret-material");
    expect(await response.text()).not.toContain("EDGE_IDENTITY_PRIVATE_JWK");
    logged.mockRestore();
  });

  it("answers 500 when CENTRAL_URL is not a URL", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await call({
      CENTRAL_URL: "not a url",
      EDGE_IDENTITY_PRIVATE_JWK: JSON.stringify(inject("servers").edgeIdentityPrivateJwk),
    });
    expect(response.status).toBe(500);
    expect(logged.mock.calls.flat().join(" ")).toContain("CENTRAL_URL is not a valid absolute URL");
    logged.mockRestore();
  });

  it("proxies to central with a good env", async () => {
    const servers = inject("servers");
    const response = await call({
      CENTRAL_URL: `${servers.centralOrigin}/`,
      EDGE_IDENTITY_PRIVATE_JWK: JSON.stringify(servers.edgeIdentityPrivateJwk),
    });
    const seen = await recorded(response);
    expect(seen.url).toBe("/api/public/x");
    expect(seen.identity.ok).toBe(true);
  });

  it("the deployed entry (src/index.ts) answers 500 JSON when its secret is missing", async () => {
    const response = await exports.default.fetch("http://localhost/anything");
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { code: string } };
    expect(body.error.code).toBe("internal_error");
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  });
});

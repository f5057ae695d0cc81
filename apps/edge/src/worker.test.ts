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
    expect(logged.mock.calls.flat().join(" ")).toContain("EDGE_CENTRAL_KEYS is not set");
    logged.mockRestore();
  });

  it("never logs the value of a malformed key", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await call({
      CENTRAL_URL: inject("servers").centralOrigin,
      EDGE_CENTRAL_KEYS: '{"keys":[{"kty":"oct","kid":"a","k":"super-secret-material"}]}',
    });
    expect(response.status).toBe(500);
    const log = logged.mock.calls.flat().join(" ");
    expect(log).toContain("EDGE_CENTRAL_KEYS");
    expect(log).not.toContain("super-secret-material");
    expect(await response.text()).not.toContain("EDGE_CENTRAL_KEYS");
    logged.mockRestore();
  });

  it("answers 500 when CENTRAL_URL is not a URL", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await call({
      CENTRAL_URL: "not a url",
      EDGE_CENTRAL_KEYS: JSON.stringify(inject("servers").edgeCentralKeys),
    });
    expect(response.status).toBe(500);
    expect(logged.mock.calls.flat().join(" ")).toContain("CENTRAL_URL is not a valid absolute URL");
    logged.mockRestore();
  });

  it("proxies to central with a good env: HS256 signed here in workerd, verified by node:crypto", async () => {
    const servers = inject("servers");
    const response = await call({
      CENTRAL_URL: `${servers.centralOrigin}/`,
      EDGE_CENTRAL_KEYS: JSON.stringify(servers.edgeCentralKeys),
    });
    const seen = await recorded(response);
    expect(seen.url).toBe("/api/public/x");
    expect(seen.identity.ok).toBe(true);
    const header = JSON.parse(atob(String(seen.headers["x-gateway-identity"]).split(".")[0] ?? ""));
    expect(header).toEqual({ alg: "HS256", typ: "gateway-identity+jwt", kid: "edge-hop-test" });
  });

  it("signs with the first of two EDGE_CENTRAL_KEYS (rotation) and central accepts it", async () => {
    const servers = inject("servers");
    const fresh = { kty: "oct", kid: "edge-hop-next", k: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" };
    const kidOf = (seen: { headers: Record<string, unknown> }) =>
      JSON.parse(atob(String(seen.headers["x-gateway-identity"]).split(".")[0] ?? "")).kid;
    const current = await recorded(
      await call({
        CENTRAL_URL: servers.centralOrigin,
        EDGE_CENTRAL_KEYS: JSON.stringify({ keys: [...servers.edgeCentralKeys.keys, fresh] }),
      }),
    );
    expect(kidOf(current)).toBe("edge-hop-test");
    expect(current.identity.ok).toBe(true);
    // Put first, the new key signs; a central that does not hold it yet refuses the kid.
    const early = await recorded(
      await call({
        CENTRAL_URL: servers.centralOrigin,
        EDGE_CENTRAL_KEYS: JSON.stringify({ keys: [fresh, ...servers.edgeCentralKeys.keys] }),
      }),
    );
    expect(kidOf(early)).toBe("edge-hop-next");
    expect(early.identity).toMatchObject({ ok: false, reason: "unknown_kid" });
  });

  it("with identity.hop.algorithm EdDSA signs with EDGE_IDENTITY_PRIVATE_JWK", async () => {
    const servers = inject("servers");
    const base = config();
    const worker = createEdgeWorker({ ...base, identity: { ...base.identity, hop: { algorithm: "EdDSA" } } });
    const request = new Request("http://localhost/api/public/x") as Request<
      unknown,
      IncomingRequestCfProperties
    >;
    const env = {
      CENTRAL_URL: servers.centralOrigin,
      EDGE_IDENTITY_PRIVATE_JWK: JSON.stringify(servers.edgeIdentityPrivateJwk),
    };
    // biome-ignore lint/style/noNonNullAssertion: createEdgeWorker always defines fetch
    const seen = await recorded(await worker.fetch!(request, env, createExecutionContext()));
    expect(seen.identity.ok).toBe(true);
    const header = JSON.parse(atob(String(seen.headers["x-gateway-identity"]).split(".")[0] ?? ""));
    expect(header.alg).toBe("EdDSA");
  });

  it("the deployed entry (src/index.ts) answers 500 JSON when its secret is missing", async () => {
    const response = await exports.default.fetch("http://localhost/anything");
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { code: string } };
    expect(body.error.code).toBe("internal_error");
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  });
});

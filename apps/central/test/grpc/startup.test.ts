import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateIdentityKeyPair } from "@gateway/identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "central-grpc-start-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("central start-up with a gRPC route", () => {
  it("refuses to start when a google.api.http rule cannot be served, naming the route, method and reason", async () => {
    await writeFile(
      join(dir, "svc.proto"),
      `syntax = "proto3";
package svc;
import "google/api/annotations.proto";
service S { rpc Get(R) returns (R) { option (google.api.http) = {get: "/v1/{missing}"}; } }
message R { string id = 1; }
`,
    );
    await writeFile(
      join(dir, "gateway.config.yaml"),
      `version: 1
routes:
  - name: svc
    path: /api/svc
    auth: public
    grpc: { address: "127.0.0.1:1", protos: [svc.proto] }
`,
    );
    const [edge, central] = await Promise.all([generateIdentityKeyPair("e"), generateIdentityKeyPair("c")]);
    const child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH ?? "",
        GATEWAY_CONFIG: join(dir, "gateway.config.yaml"),
        CENTRAL_PORT: "0",
        EDGE_IDENTITY_PUBLIC_JWKS: JSON.stringify({ keys: [edge.publicJwk] }),
        CENTRAL_IDENTITY_PRIVATE_JWK: JSON.stringify(central.privateJwk),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toContain(
      'central: config error: routes[0].grpc (route "svc"): svc.S.Get: get "/v1/{missing}": path variable: no field "missing" in svc.R',
    );
  });
});

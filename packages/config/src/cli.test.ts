// biome-ignore-all lint/suspicious/noTemplateCurlyInString: literal ${VAR} references are what these tests feed in
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_OUTLIER_DETECTION } from "@gateway/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("./cli.ts", import.meta.url));
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  const env = { PATH: process.env.PATH, ...options.env };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd: options.cwd ?? REPO_ROOT, env },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

const VALID = `version: 1
jwt:
  issuers:
    - { name: dev, issuer: https://i.example, jwksUrl: https://i.example/jwks, audiences: [api], algorithms: [ES256] }
rateLimits:
  policies:
    - { name: per-user, algorithm: gcra, limit: 10, windowSeconds: 1, key: [consumer], failMode: closed }
routes:
  - { name: users, path: /api/users, upstream: "\${UP:-http://127.0.0.1:8081}", rewrite: /users, rateLimit: [per-user] }
  - { name: public, path: /api/public, auth: public, upstream: http://127.0.0.1:8081 }
`;

const INVALID = `version: 1
routes:
  - { name: users, path: /api/users/, auth: public, upstream: "ftp://x" }
  - { name: users, path: /api/other, auth: public, upstream: http://127.0.0.1:1, colour: red }
`;

let dir: string;
let validFile: string;
let invalidFile: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gateway-config-cli-"));
  validFile = join(dir, "valid.yaml");
  invalidFile = join(dir, "invalid.yaml");
  await writeFile(validFile, VALID);
  await writeFile(invalidFile, INVALID);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("gateway-config check", () => {
  it("prints a summary and exits 0 for a valid file", async () => {
    expect(await runCli(["check", validFile])).toEqual({
      code: 0,
      stdout: "ok: 2 routes, 1 issuers, 1 policies\n",
      stderr: "",
    });
  });

  it("prints every issue prefixed by the file path and exits 1", async () => {
    const run = await runCli(["check", invalidFile]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.trimEnd().split("\n")).toEqual([
      `${invalidFile}:3:26: routes[0].path: must not end with "/"`,
      `${invalidFile}:3:63: routes[0].upstream: must be an http(s) URL without query or fragment`,
      `${invalidFile}:4:90: routes[1].colour: unknown key`,
    ]);
  });

  it("uses $GATEWAY_CONFIG when no path is given", async () => {
    const run = await runCli(["check"], { env: { GATEWAY_CONFIG: invalidFile } });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${invalidFile}:3:26: routes[0].path`);
  });

  it("finds the nearest gateway.config.yaml by default (the repository's dev config)", async () => {
    const run = await runCli(["check"], { cwd: join(REPO_ROOT, "packages/config/src") });
    expect(run).toEqual({ code: 0, stdout: "ok: 7 routes, 1 issuers, 4 policies\n", stderr: "" });
  });

  it("reports a missing file with exit 1", async () => {
    const missing = join(dir, "nope.yaml");
    expect(await runCli(["check", missing])).toEqual({
      code: 1,
      stdout: "",
      stderr: `${missing}: file not found\n`,
    });
  });

  it("reports YAML syntax errors with line:col", async () => {
    const broken = join(dir, "broken.yaml");
    await writeFile(broken, "version: 1\nroutes: [\n");
    const run = await runCli(["check", broken]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^\S+broken\.yaml:\d+:\d+: YAML syntax error: /);
  });

  it("reports a missing env var", async () => {
    const file = join(dir, "env.yaml");
    await writeFile(file, VALID.replace("${UP:-http://127.0.0.1:8081}", "${UPSTREAM_URL}"));
    const run = await runCli(["check", file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("routes[0].upstream: environment variable UPSTREAM_URL is not set");
  });
});

describe("gateway-config wrangler-bindings", () => {
  it("prints the ratelimits entries the repository's dev config needs", async () => {
    const run = await runCli(["wrangler-bindings"], { cwd: join(REPO_ROOT, "packages/config/src") });
    expect(run.code).toBe(0);
    const bindings = JSON.parse(run.stdout);
    expect(bindings.ratelimits).toEqual([
      { name: "RL_IP_COARSE", namespace_id: "479961611", simple: { limit: 1000, period: 60 } },
    ]);
    expect(bindings.durable_objects.bindings[0]).toEqual({ name: "EDGE_LIMITER", class_name: "EdgeLimiter" });
  });
});

describe("gateway-config compile", () => {
  it("writes the edge config as JSON to stdout", async () => {
    const run = await runCli(["compile", "--tier", "edge", "--config", validFile]);
    expect(run.code).toBe(0);
    const edge = JSON.parse(run.stdout);
    expect(Object.keys(edge).sort()).toEqual([
      "apiKeys",
      "contractHash",
      "identity",
      "jwt",
      "limits",
      "rateLimits",
      "routes",
    ]);
    expect(edge.routes.map((r: { name: string }) => r.name)).toEqual(["users", "public"]);
    expect(run.stdout).not.toContain("127.0.0.1:8081");
  });

  it("writes the central config to --out, with env applied", async () => {
    const out = join(dir, "central.json");
    const run = await runCli(["compile", "--tier=central", "--config", validFile, "--out", out], {
      env: { UP: "http://users.internal:9000" },
    });
    expect(run).toEqual({ code: 0, stdout: "", stderr: "" });
    const central = JSON.parse(await readFile(out, "utf8"));
    expect(central.routes[0].upstream).toEqual({
      urls: ["http://users.internal:9000"],
      weights: [1],
      outlierDetection: DEFAULT_OUTLIER_DETECTION,
    });
    expect(central.rateLimits.policies[0]).toMatchObject({ name: "per-user", burst: 10 });
  });

  it("fails with the same messages as check", async () => {
    const run = await runCli(["compile", "--tier", "central", "--config", invalidFile]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(`${invalidFile}:4:90: routes[1].colour: unknown key`);
  });
});

describe("usage errors exit 2", () => {
  it.each([
    [[], "missing command"],
    [["lint"], 'unknown command "lint"'],
    [["check", "--verbose"], "Unknown option '--verbose'"],
    [["check", "a.yaml", "b.yaml"], "check takes at most one path"],
    [["compile"], "--tier must be edge or central"],
    [["compile", "--tier", "cdn"], "--tier must be edge or central"],
    [["compile", "--tier", "edge", "extra"], "Unexpected argument 'extra'"],
  ])("%j", async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain("usage:\n  ./gw check [path]");
  });

  it("--help prints usage and exits 0", async () => {
    const run = await runCli(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("./gw config compile --tier edge|central");
  });
});

describe("gateway-config check: gRPC routes", () => {
  const PROTO = `syntax = "proto3";
package demo.v1;
import "google/api/annotations.proto";
import "types/msg.proto";
service Demo {
  rpc Get(types.Req) returns (types.Req) { option (google.api.http) = {get: "/v1/things/{id}"}; }
  rpc Find(types.Req) returns (types.Req) { option (google.api.http) = {get: "/v1/things/{name}"}; }
  rpc Bad(types.Req) returns (types.Req) { option (google.api.http) = {get: "/v1/x/{missing}"}; }
}
`;
  const TYPES = 'syntax = "proto3";\npackage types;\nmessage Req { string id = 1; string name = 2; }\n';
  const config = (proto: string) => `version: 1
routes:
  - name: demo
    path: /api/demo
    auth: public
    grpc: { address: "127.0.0.1:50051", protos: [${proto}], includeDirs: [protos] }
`;

  it("loads the protos relative to the config file and reports each rule it cannot honour, with the method", async () => {
    await mkdir(join(dir, "protos/types"), { recursive: true });
    await writeFile(join(dir, "protos/demo.proto"), PROTO);
    await writeFile(join(dir, "protos/types/msg.proto"), TYPES);
    const file = join(dir, "grpc.yaml");
    await writeFile(file, config("protos/demo.proto"));
    const run = await runCli(["check", file]);
    expect(run.code).toBe(1);
    expect(run.stderr.trimEnd().split("\n")).toEqual([
      `${file}: routes[0].grpc (route "demo"): demo.v1.Demo.Bad: get "/v1/x/{missing}": path variable: no field "missing" in types.Req`,
      `${file}: routes[0].grpc (route "demo"): demo.v1.Demo.Find: get "/v1/things/{name}" collides with demo.v1.Demo.Get: get "/v1/things/{id}" (they match the same paths)`,
    ]);
  });

  it("passes when every rule can be served", async () => {
    await writeFile(join(dir, "protos/ok.proto"), PROTO.replace(/ {2}rpc Find.*\n {2}rpc Bad.*\n/, ""));
    const file = join(dir, "grpc-ok.yaml");
    await writeFile(file, config("protos/ok.proto"));
    expect(await runCli(["check", file])).toEqual({
      code: 0,
      stdout: "ok: 1 routes, 0 issuers, 0 policies\n",
      stderr: "",
    });
  });

  it("a proto that does not exist", async () => {
    const file = join(dir, "grpc-missing.yaml");
    await writeFile(file, config("protos/none.proto"));
    const run = await runCli(["check", file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `${file}: routes[0].grpc (route "demo"): ${join(dir, "protos/none.proto")}: file not found\n`,
    );
  });
});

import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../cli.ts", import.meta.url));

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

const ISSUER = `jwt:
  issuers:
    - { name: dev, issuer: https://i.example, jwksUrl: https://i.example/jwks, audiences: [api], algorithms: [ES256] }`;

function config(opts: { identity?: string; limits?: string; routes: string }): string {
  return `version: 1
identity: { ttlSeconds: 30${opts.identity ?? ""} }
${ISSUER}
${opts.limits ?? ""}
routes:
${opts.routes}`;
}

const USERS = `  - { name: users, path: /api/users, methods: [GET, POST], roles: [reader], upstream: http://127.0.0.1:8081 }`;
const ORDERS = `  - { name: orders, path: /api/orders, methods: [GET], upstream: http://127.0.0.1:8082 }`;

let dir: string;
const file = async (name: string, text: string) => {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
};
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pair-check-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Each case spawns the CLI a few times (≈1–2 s each on a busy machine).
describe("./gw check --edge … --central …", { timeout: 60_000 }, () => {
  it("accepts two configs that differ only in central-only settings, YAML or compiled", async () => {
    const edge = await file("edge.yaml", config({ routes: `${USERS}\n${ORDERS}` }));
    const central = await file(
      "central.yaml",
      config({ routes: `${USERS.replace("8081", "9000")}\n${ORDERS.replace("8082", "9001")}` }),
    );
    const run = await runCli(["check", "--edge", edge, "--central", central]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ok: edge and central agree \(contract [0-9a-f]{12}\)\n$/);

    const compiled = join(dir, "edge-config.json");
    expect((await runCli(["compile", "--tier", "edge", "--config", edge, "--out", compiled])).code).toBe(0);
    const fromBundle = await runCli(["check", "--edge", compiled, "--central", central]);
    expect(fromBundle).toEqual(run);
  });

  it("names every disagreement with its path and exits 1", async () => {
    const edge = await file(
      "edge-new.yaml",
      config({
        identity: ", hop: { algorithm: EdDSA }",
        limits: "limits: { maxBodyBytes: 2000000 }",
        routes: `${USERS}\n${ORDERS}`,
      }),
    );
    const central = await file(
      "central-old.yaml",
      config({
        limits: "limits: { maxBodyBytes: 1000000 }",
        routes: `  - { name: users, path: /api/people, methods: [GET], roles: [admin], upstream: http://127.0.0.1:8081 }
  - { name: internal, path: /api/internal, upstream: http://127.0.0.1:8083 }`,
      }),
    );
    const run = await runCli(["check", "--edge", edge, "--central", central]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.trimEnd().split("\n")).toEqual([
      "error: identity.hop.algorithm: the edge signs hop tokens with EdDSA, central verifies HS256",
      "error: limits.maxBodyBytes: the edge allows 2000000, central refuses more than 1000000",
      'error: routes[orders]: the edge forwards /api/orders, central has no route "orders"',
      "error: routes[users].path: the edge forwards /api/users, central serves /api/people",
      "error: routes[users].methods: the edge forwards POST, which central answers with 405",
      "error: routes[users].roles: the edge requires reader, central admin",
      "error: routes[users].maxBodyBytes: the edge accepts bodies up to 2000000 bytes, central refuses more than 1000000",
      "warning: routes[internal]: central serves /api/internal, the edge does not forward it (unreachable through this edge)",
      expect.stringMatching(
        /^edge .*edge-new\.yaml \(contract [0-9a-f]{12}\) and central .*central-old\.yaml \(contract [0-9a-f]{12}\) disagree: 7 error\(s\)$/,
      ),
    ]);
  });

  it("refuses an edge whose tokens outlive what central accepts; a shorter edge lifetime is fine", async () => {
    const central = await file("central-ttl.yaml", config({ routes: USERS }));
    const longer = await file(
      "edge-ttl-60.yaml",
      config({ routes: USERS }).replace("ttlSeconds: 30", "ttlSeconds: 60"),
    );
    const shorter = await file(
      "edge-ttl-10.yaml",
      config({ routes: USERS }).replace("ttlSeconds: 30", "ttlSeconds: 10"),
    );
    const refused = await runCli(["check", "--edge", longer, "--central", central]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      "error: identity.ttlSeconds: the edge's tokens live 60 s, central refuses tokens that live longer than 30 s",
    );
    const accepted = await runCli(["check", "--edge", shorter, "--central", central]);
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toMatch(
      /^ok: edge \(contract \w+\) and central \(contract \w+\) are compatible\n$/,
    );
  });

  it("warns when a compiled edge config's embedded hash does not match its content", async () => {
    const yaml = await file("edge-tampered.yaml", config({ routes: USERS }));
    const compiled = join(dir, "tampered.json");
    await runCli(["compile", "--tier", "edge", "--config", yaml, "--out", compiled]);
    const { readFile } = await import("node:fs/promises");
    const bundle = JSON.parse(await readFile(compiled, "utf8")) as { routes: Array<{ roles: string[] }> };
    bundle.routes[0]?.roles.push("admin");
    await writeFile(compiled, JSON.stringify(bundle));
    const run = await runCli(["check", "--edge", compiled, "--central", yaml]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^warning: contractHash: .*tampered\.json says [0-9a-f]{12}, its content gives [0-9a-f]{12}/,
    );
    expect(run.stderr).toContain(
      "error: routes[users].roles: the edge requires admin, reader, central reader",
    );
  });

  it("explains files that are neither YAML configs nor compiled configs, and usage errors", async () => {
    const central = await file("central-ok.yaml", config({ routes: USERS }));
    const notEdge = await file("not-edge.json", JSON.stringify({ routes: [] }));
    const run = await runCli(["check", "--edge", notEdge, "--central", central]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${notEdge}: not a compiled edge config (no identity, jwt, limits)`);
    const missing = await runCli(["check", "--edge", join(dir, "nope.yaml"), "--central", central]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`${join(dir, "nope.yaml")}: file not found`);
    const bad = await file(
      "bad.yaml",
      "version: 1\nroutes:\n  - { name: x, path: /x, upstream: http://a, colour: red }\n",
    );
    const invalid = await runCli(["check", "--edge", bad, "--central", central]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain(`${bad}:3:`);
    expect((await runCli(["check", "--edge", central])).code).toBe(2);
    expect((await runCli(["check", "--edge", central, "--central", central, central])).code).toBe(2);
  });
});

import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type LifecycleCentral,
  lifecycleConfig,
  type NamedUpstream,
  startLifecycleCentral,
  startNamedUpstream,
} from "./support.ts";

const CHECK_CLI = fileURLToPath(new URL("../../../../packages/config/src/cli.ts", import.meta.url));

/** What `./gw check <file>` prints on stderr, one problem a line. */
function checkOutput(file: string): Promise<string[]> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CHECK_CLI, "check", file], (_error, _stdout, stderr) =>
      resolve(stderr.trimEnd().split("\n")),
    );
  });
}

interface ReadyDetails {
  config: { hash: string; contract: string; reloads: { applied: number; rejected: number } };
}

async function readyDetails(central: LifecycleCentral): Promise<ReadyDetails> {
  const response = await fetch(`${central.url}/readyz?verbose`);
  expect(response.status).toBe(200);
  return (await response.json()) as ReadyDetails;
}

let oldService: NamedUpstream;
let newService: NamedUpstream;
let central: LifecycleCentral;

beforeAll(async () => {
  [oldService, newService] = await Promise.all([startNamedUpstream("old"), startNamedUpstream("new")]);
  central = await startLifecycleCentral(lifecycleConfig(oldService.url));
});
afterAll(async () => {
  await central?.cleanup();
  await Promise.all([oldService?.close(), newService?.close()]);
});

describe("config reload on SIGHUP", () => {
  it("an in-flight request finishes on the old config; new requests see the new one", async () => {
    const before = await readyDetails(central);
    expect(before.config.hash).toMatch(/^[0-9a-f]{12}$/);
    expect(before.config.reloads).toMatchObject({ applied: 0, rejected: 0 });

    const slow = central.get("/api/svc/slow");
    await oldService.held();
    await writeFile(central.configFile, lifecycleConfig(newService.url));
    central.child.kill("SIGHUP");
    const reloaded = await central.waitForLog("config reloaded");
    expect(reloaded).toMatchObject({ trigger: "SIGHUP", previousHash: before.config.hash, unchanged: false });

    const fresh = await central.get("/api/svc/now");
    expect(fresh.status).toBe(200);
    expect(JSON.parse(fresh.body)).toEqual({ served: "new" });

    expect(oldService.openConnections()).toBeGreaterThan(0);
    oldService.release();
    const finished = await slow;
    expect(finished.status).toBe(200);
    expect(JSON.parse(finished.body)).toEqual({ served: "old" });
    // The old pipeline is closed once its last request ended: its pooled upstream sockets go.
    await expect.poll(() => oldService.openConnections(), { timeout: 5000 }).toBe(0);

    const after = await readyDetails(central);
    expect(after.config.hash).toBe(reloaded.hash);
    expect(after.config.hash).not.toBe(before.config.hash);
    expect(after.config.reloads).toMatchObject({ applied: 1, rejected: 0 });
  });

  it("an invalid file keeps the running config and logs what `./gw check` prints", async () => {
    const running = (await readyDetails(central)).config.hash;
    const broken = `${lifecycleConfig(newService.url)}  - { name: extra, path: /api/extra, upstream: "ftp://x", colour: red }\n`;
    await writeFile(central.configFile, broken);
    central.child.kill("SIGHUP");
    const rejected = await central.waitForLog("config reload rejected: still serving the previous config");
    expect(rejected.hash).toBe(running);
    expect(rejected.issues).toEqual(await checkOutput(central.configFile));
    expect((rejected.issues as string[])[0]).toContain(`${central.configFile}:`);

    const served = await central.get("/api/svc/still");
    expect(JSON.parse(served.body)).toEqual({ served: "new" });
    const details = await readyDetails(central);
    expect(details.config.hash).toBe(running);
    expect(details.config.reloads).toMatchObject({ applied: 1, rejected: 1 });
    expect(central.logs("config reload rejected: still serving the previous config")).toHaveLength(1);
  });

  it("a config that validates but cannot be composed is rejected too (hop algorithm without its keys)", async () => {
    const eddsa = lifecycleConfig(newService.url).replace(
      "replayProtection: false }",
      "replayProtection: false, hop: { algorithm: EdDSA } }",
    );
    await writeFile(central.configFile, eddsa);
    central.child.kill("SIGHUP");
    const rejected = await central.waitForLog("config reload rejected: still serving the previous config", 2);
    expect((rejected.issues as string[]).join("\n")).toContain("EDGE_IDENTITY_PUBLIC_JWKS is not set");
    expect(JSON.parse((await central.get("/api/svc/x")).body)).toEqual({ served: "new" });
  });
});

describe("config reload on file change (CENTRAL_CONFIG_WATCH=1)", () => {
  it("applies a changed file without a signal", async () => {
    const watched = await startLifecycleCentral(lifecycleConfig(oldService.url), {
      CENTRAL_CONFIG_WATCH: "1",
    });
    try {
      expect(JSON.parse((await watched.get("/api/svc/a")).body)).toEqual({ served: "old" });
      await writeFile(watched.configFile, lifecycleConfig(newService.url));
      expect(await watched.waitForLog("config reloaded")).toMatchObject({ trigger: "file change" });
      expect(JSON.parse((await watched.get("/api/svc/b")).body)).toEqual({ served: "new" });
    } finally {
      await watched.cleanup();
    }
  });
});

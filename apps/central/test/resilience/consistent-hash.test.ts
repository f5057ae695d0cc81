import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CentralUnderTest } from "../support/harness.ts";
import { call, type ScriptedUpstream, scriptedUpstream, startResilientCentral } from "./support.ts";

let targets: ScriptedUpstream[] = [];
let central: CentralUnderTest;

beforeAll(async () => {
  targets = await Promise.all([scriptedUpstream(), scriptedUpstream(), scriptedUpstream()]);
  central = await startResilientCentral(`
  - name: sticky
    path: /sticky
    methods: [GET]
    auth: any
    upstream:
      urls: [${targets.map((t) => t.url).join(", ")}]
      balancer: consistent_hash
  - name: by-tenant
    path: /by-tenant
    methods: [GET]
    auth: any
    upstream:
      urls: [${targets.map((t) => t.url).join(", ")}]
      balancer: { strategy: consistent_hash, hashBy: header, header: x-tenant }
`);
});

afterAll(async () => {
  await central?.close();
  await Promise.all(targets.map((t) => t.close()));
});

/** Which target served each request, by the consumer (x-user-id) or tenant header it carried. */
function servedBy(header: string): Map<string, Set<number>> {
  const result = new Map<string, Set<number>>();
  targets.forEach((target, index) => {
    for (const request of target.requests) {
      const key = request.headers[header] as string | undefined;
      if (key === undefined) continue;
      const set = result.get(key) ?? new Set<number>();
      set.add(index);
      result.set(key, set);
    }
  });
  return result;
}

describe("consistent hash", () => {
  it("sends every request of a consumer to the same target, and spreads consumers", async () => {
    const consumers = Array.from({ length: 12 }, (_, i) => `user-${i}`);
    for (let round = 0; round < 3; round++)
      for (const sub of consumers) expect((await call(central, "/sticky", { sub })).status).toBe(200);
    const served = servedBy("x-user-id");
    expect([...served.keys()].sort()).toEqual([...consumers].sort());
    for (const set of served.values()) expect(set.size).toBe(1);
    const used = new Set([...served.values()].flatMap((set) => [...set]));
    expect(used.size).toBeGreaterThan(1);
  });

  it("can hash on a request header", async () => {
    for (let round = 0; round < 3; round++)
      for (const tenant of ["acme", "globex", "initech", "umbrella"])
        await call(central, "/by-tenant", { headers: { "x-tenant": tenant } });
    const served = servedBy("x-tenant");
    expect([...served.keys()].sort()).toEqual(["acme", "globex", "initech", "umbrella"]);
    for (const set of served.values()) expect(set.size).toBe(1);
  });
});

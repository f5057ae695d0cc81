import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { freePort } from "../src/index.ts";

describe("freePort", () => {
  it("returns a port another server can bind right after", async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
    expect(server.address()).toMatchObject({ port });
    await new Promise((resolve) => server.close(resolve));
  });

  it("returns different ports while the first is still taken", async () => {
    const first = await freePort();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(first, "127.0.0.1", resolve));
    try {
      expect(await freePort()).not.toBe(first);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });
});

import { describe, expect, it } from "vitest";
import { route } from "../../test/support/routes.ts";
import { createUpstreamPool, upstreamPath } from "./upstreams.ts";

describe("upstream pool", () => {
  const a = route({
    name: "a",
    path: "/a",
    upstream: { urls: ["http://svc-1:80/base/", "http://svc-2:81"] },
  });
  const b = route({
    name: "b",
    path: "/b",
    upstream: { urls: ["http://svc-1:80/other", "https://secure:443"] },
  });

  it("round-robins each route independently", () => {
    const pool = createUpstreamPool([a, b]);
    expect([pool.pick(a), pool.pick(a), pool.pick(a)].map((u) => u.origin)).toEqual([
      "http://svc-1",
      "http://svc-2:81",
      "http://svc-1",
    ]);
    expect(pool.pick(b).origin).toBe("http://svc-1");
    pool.destroy();
  });

  it("shares one keep-alive agent per origin", () => {
    const pool = createUpstreamPool([a, b]);
    const [a1, a2, b1, b2] = pool.all();
    if (a1 === undefined || a2 === undefined || b1 === undefined || b2 === undefined)
      throw new Error("pool is short");
    expect(a1.agent).toBe(b1.agent);
    expect(a1.agent).not.toBe(a2.agent);
    expect((b2.agent as unknown as { protocol: string }).protocol).toBe("https:");
    expect((a1.agent as unknown as { keepAlive: boolean }).keepAlive).toBe(true);
    pool.destroy();
  });

  it("joins the upstream URL's path with the forwarded path", () => {
    const pool = createUpstreamPool([a]);
    const [withBase, withoutBase] = pool.all();
    if (withBase === undefined || withoutBase === undefined) throw new Error("pool is empty");
    expect(upstreamPath(withBase, "/x/y")).toBe("/base/x/y");
    expect(upstreamPath(withBase, "/")).toBe("/base");
    expect(upstreamPath(withoutBase, "/x")).toBe("/x");
    pool.destroy();
  });
});

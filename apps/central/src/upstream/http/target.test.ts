import { describe, expect, it } from "vitest";
import { createAgentRegistry } from "./agents.ts";
import { httpTarget, upstreamPath } from "./target.ts";

describe("HTTP targets", () => {
  it("share one keep-alive agent per origin", () => {
    const agents = createAgentRegistry();
    const a1 = httpTarget("http://svc-1:80/base/", agents);
    const b1 = httpTarget("http://svc-1/other", agents);
    const a2 = httpTarget("http://svc-2:81", agents);
    const secure = httpTarget("https://secure:443", agents);
    expect(a1.agent).toBe(b1.agent);
    expect(a1.agent).not.toBe(a2.agent);
    expect((secure.agent as unknown as { protocol: string }).protocol).toBe("https:");
    expect((a1.agent as unknown as { keepAlive: boolean }).keepAlive).toBe(true);
    expect([a1.port, a2.port, secure.port]).toEqual([80, 81, 443]);
    expect(httpTarget("http://[::1]:9/", agents).hostname).toBe("::1");
    agents.destroy();
  });

  it("joins the upstream URL's path with the forwarded path", () => {
    const agents = createAgentRegistry();
    const withBase = httpTarget("http://svc-1:80/base/", agents);
    const withoutBase = httpTarget("http://svc-2:81", agents);
    expect(upstreamPath(withBase, "/x/y")).toBe("/base/x/y");
    expect(upstreamPath(withBase, "/")).toBe("/base");
    expect(upstreamPath(withoutBase, "/x")).toBe("/x");
    agents.destroy();
  });
});

import { generateIdentityKeyPair } from "@gateway/identity";
import { createNodeIdentitySigner } from "@gateway/identity/node";
import type { RouteConfig } from "@gateway/types";
import { describe, expect, it } from "vitest";
import { createServiceTokenSigner } from "./service-token-signer.ts";

const route = (name: string, extra: Partial<RouteConfig> = {}) => ({ name, ...extra }) as RouteConfig;
const identity = { sub: "alice", roles: ["user"], scopes: [], auth: "jwt" as const };

describe("createServiceTokenSigner", () => {
  it("reuses a token for reuseSeconds after it was signed, then signs a new one", async () => {
    const { privateJwk } = await generateIdentityKeyPair("c");
    let nowMs = Date.UTC(2026, 0, 1);
    const clock = () => nowMs;
    const inner = await createNodeIdentitySigner({
      privateJwk,
      issuer: "central",
      ttlSeconds: 30,
      now: clock,
    });
    const signer = createServiceTokenSigner(
      [route("users", { serviceToken: "reuse", reuseSeconds: 15 }), route("orders")],
      inner,
      { now: clock },
    );
    const input = { identity, audience: "users", method: "GET", pathAndQuery: "/a" };
    const first = await signer.sign(input);
    nowMs += 14_999;
    expect(await signer.sign({ ...input, method: "POST", pathAndQuery: "/b" })).toBe(first);
    expect(await signer.sign({ ...input, clientIp: "192.0.2.9" })).not.toBe(first);
    nowMs += 1;
    const renewed = await signer.sign(input);
    expect(renewed).not.toBe(first);
    // Per-request routes never share a token.
    const orders = { ...input, audience: "orders" };
    expect(await signer.sign(orders)).not.toBe(await signer.sign(orders));
  });

  it("returns the signer unchanged when no route reuses tokens", async () => {
    const { privateJwk } = await generateIdentityKeyPair("c");
    const inner = await createNodeIdentitySigner({ privateJwk, issuer: "central", ttlSeconds: 30 });
    expect(createServiceTokenSigner([route("users")], inner)).toBe(inner);
  });
});

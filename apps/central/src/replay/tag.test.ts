import { describe, expect, it } from "vitest";
import { rateLimitKey } from "../plugins/rate-limit/keys.ts";
import { hashTagOf } from "../redis/hash-tags.ts";
import { replayKeyOf, replayTagOf } from "./index.ts";

describe("the jti key's hash tag", () => {
  it("is the consumer's for an authenticated token: the slot of its consumer-keyed limits", () => {
    const tag = replayTagOf({ sub: "alice", auth: "jwt", cip: "203.0.113.7" });
    const jtiKey = replayKeyOf({ jti: "j1", expiresAt: 1, tag });
    expect(jtiKey).toBe("{consumer=alice}:j1");
    const limitKey = rateLimitKey(
      {
        name: "p",
        algorithm: "gcra",
        limit: 1,
        windowSeconds: 1,
        burst: 1,
        key: ["consumer"],
        failMode: "open",
      },
      { identity: { sub: "alice" } as never, clientIp: "203.0.113.7" },
    );
    expect(hashTagOf(jtiKey)).toBe(hashTagOf(limitKey));
  });

  it("is the client IP's for an anonymous token, so public traffic is not one hot slot", () => {
    expect(replayTagOf({ sub: "anonymous", auth: "anonymous", cip: "2001:db8::1" })).toBe(
      "{ip=2001%3Adb8%3A%3A1}",
    );
    expect(replayTagOf({ sub: "anonymous", auth: "anonymous" })).toBe("{ip=-}");
  });

  it("is left out for a mark without one (the bare jti, hashed on its own)", () => {
    expect(replayKeyOf({ jti: "j2", expiresAt: 1 })).toBe("j2");
  });
});

import type { IdentityClaims, RouteSplitConfig } from "@gateway/types";
import { describe, expect, it } from "vitest";
import { cookieValue, createVariantChooser } from "./choose.ts";

const upstream = { urls: ["http://127.0.0.1:1"] };

function split(canaryWeight: number, sticky: RouteSplitConfig["sticky"] = "consumer"): RouteSplitConfig {
  return {
    sticky,
    variants: [
      { name: "canary", upstream, weight: canaryWeight },
      { name: "stable", upstream, weight: 100 - canaryWeight },
    ],
  };
}

function facts(sub: string, auth: IdentityClaims["auth"] = "jwt") {
  return { headers: {}, identity: { sub, auth } as IdentityClaims, clientIp: "192.0.2.1" };
}

describe("variant chooser", () => {
  it("sticky by consumer: raising the canary's weight only moves consumers onto the canary", () => {
    const at5 = createVariantChooser("shop", split(5), Math.random);
    const at20 = createVariantChooser("shop", split(20), Math.random);
    let canaryAt5 = 0;
    for (let i = 0; i < 2000; i++) {
      const who = facts(`user-${i}`);
      if (at5(who) === "canary") {
        canaryAt5++;
        expect(at20(who)).toBe("canary");
      }
    }
    expect(canaryAt5).toBeGreaterThan(0);
  });

  it("anonymous callers are not hashed (they would all land on one variant): the random point decides", () => {
    let point = 0;
    const choose = createVariantChooser("shop", split(50), () => point);
    expect(choose(facts("anonymous", "anonymous"))).toBe("canary");
    point = 0.99;
    expect(choose(facts("anonymous", "anonymous"))).toBe("stable");
  });

  it("reads cookies the way browsers send them", () => {
    expect(cookieValue("a=1; canary=yes;b=2", "canary")).toBe("yes");
    expect(cookieValue("xcanary=yes", "canary")).toBeUndefined();
    expect(cookieValue(undefined, "canary")).toBeUndefined();
  });
});

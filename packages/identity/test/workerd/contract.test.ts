import { describe, expect, it } from "vitest";
import { identityContract } from "../contract.ts";

describe("runtime", () => {
  it("runs inside workerd, not Node", () => {
    expect(navigator.userAgent).toBe("Cloudflare-Workers");
  });
});

identityContract();

import { describe, expect, it } from "vitest";
import { bearer } from "../../../test/workerd/edge-fixture.ts";
import { signToken } from "../../../test/workerd/tokens.ts";
import { createCacheFixture, ok, originHits, originRequests, program, uniquePath } from "./test-fixture.ts";

async function as(sub: string): Promise<Record<string, string>> {
  return bearer(await signToken({ claims: { sub } }));
}

describe("edge cache: Vary and the secondary key (RFC 9111 §4.1)", () => {
  it("keeps one entry per value of each varying header, and never reuses one for another value", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/public");
    await program(path, {
      status: 200,
      headers: [
        ["cache-control", "max-age=60"],
        ["vary", "Accept-Language, X-Flavour"],
      ],
    });
    const en = await cache.send(path, { headers: { "accept-language": "en", "x-flavour": "a" } });
    const fr = await cache.send(path, { headers: { "accept-language": "fr", "x-flavour": "a" } });
    expect(fr.headers.get("cache-status")).toContain("fwd=vary-miss");
    expect(fr.text_).not.toBe(en.text_);
    const omitted = await cache.send(path, { headers: { "accept-language": "en" } });
    expect(omitted.headers.get("x-cache")).toBe("MISS");
    const enAgain = await cache.send(path, { headers: { "x-flavour": "a", "accept-language": "en" } });
    expect(enAgain.headers.get("x-cache")).toBe("HIT");
    expect(enAgain.text_).toBe(en.text_);
    const frAgain = await cache.send(path, { headers: { "accept-language": "fr", "x-flavour": "a" } });
    expect(frAgain.text_).toBe(fr.text_);
    expect(await originHits(path)).toBe(3);
  });

  it("treats whitespace differences around list commas as the same value", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/public");
    await program(path, ok("max-age=60", [["vary", "accept-encoding"]]));
    await cache.send(path, { headers: { "accept-encoding": "gzip, br" } });
    const hit = await cache.send(path, { headers: { "accept-encoding": "gzip,br" } });
    expect(hit.headers.get("x-cache")).toBe("HIT");
  });

  it.each(["*", "Foo, *", "*, *"])("never stores Vary: %s", async (vary) => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/public");
    await program(path, ok("max-age=60", [["vary", vary]]));
    await cache.send(path);
    expect((await cache.send(path)).headers.get("x-cache")).toBe("MISS");
  });

  it("adds the route's configured vary headers to the key", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/vary");
    await program(path, ok("max-age=60"));
    await cache.send(path, { headers: { "x-tenant-hint": "a" } });
    expect((await cache.send(path, { headers: { "x-tenant-hint": "b" } })).headers.get("x-cache")).toBe(
      "MISS",
    );
    expect((await cache.send(path, { headers: { "x-tenant-hint": "a" } })).headers.get("x-cache")).toBe(
      "HIT",
    );
  });
});

describe("edge cache: authenticated requests and per-user isolation", () => {
  it("keyBy: [consumer] never serves one consumer's response to another (cross-user leak test)", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/user");
    // The origin answers each request with a body naming the request number; the edge must keep them apart.
    await program(
      path,
      ok("max-age=60", [], "alice's account"),
      ok("max-age=60", [], "bob's account"),
      ok("max-age=60", [], "LEAK"),
    );
    const alice = await as("alice");
    const bob = await as("bob");
    expect((await cache.send(path, { headers: alice })).text_).toBe("alice's account");
    const bobFirst = await cache.send(path, { headers: bob });
    expect(bobFirst.text_).toBe("bob's account");
    expect(bobFirst.headers.get("x-cache")).toBe("MISS");
    const aliceAgain = await cache.send(path, { headers: alice });
    const bobAgain = await cache.send(path, { headers: bob });
    expect([aliceAgain.text_, aliceAgain.headers.get("x-cache")]).toEqual(["alice's account", "HIT"]);
    expect([bobAgain.text_, bobAgain.headers.get("x-cache")]).toEqual(["bob's account", "HIT"]);
    const central = await originRequests(path);
    expect(central.length).toBe(2);
    // A client cannot pick another consumer's partition with headers of its own.
    const spoof = await cache.send(path, { headers: { ...(await as("mallory")), "x-user-id": "alice" } });
    expect(spoof.text_).toBe("LEAK");
    expect(spoof.headers.get("x-cache")).toBe("MISS");
  });

  it("an unauthenticated request never reaches an authenticated route's entries", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/user");
    await program(path, ok("max-age=60", [], "alice's account"));
    await cache.send(path, { headers: await as("alice") });
    const anonymous = await cache.send(path);
    expect(anonymous.status).toBe(401);
    expect(anonymous.text_).not.toContain("alice");
  });

  it("without keyBy, stores an authenticated response only when it says public, s-maxage or must-revalidate (§3.5)", async () => {
    const cache = await createCacheFixture();
    const plain = uniquePath("/c/auth");
    await program(plain, ok("max-age=60", [], "personal"));
    await cache.send(plain, { headers: await as("alice") });
    const other = await cache.send(plain, { headers: await as("bob") });
    expect(other.headers.get("x-cache")).toBe("MISS");
    expect(other.headers.get("cache-status")).toContain('detail="authenticated request"');
    expect(await originHits(plain)).toBe(2);

    for (const cacheControl of ["public, max-age=60", "s-maxage=60", "max-age=60, must-revalidate"]) {
      const path = uniquePath("/c/auth");
      await program(path, ok(cacheControl, [], "shared catalogue"));
      await cache.send(path, { headers: await as("alice") });
      const hit = await cache.send(path, { headers: await as("bob") });
      expect(hit.headers.get("x-cache"), cacheControl).toBe("HIT");
      expect(hit.text_).toBe("shared catalogue");
    }
  });

  it("on a public route, a stored anonymous response is not served to a request carrying Authorization", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/public");
    await program(path, ok("max-age=60", [], "anonymous view"), ok("max-age=60", [], "with credentials"));
    await cache.send(path);
    const withAuth = await cache.send(path, { headers: { authorization: "Bearer something" } });
    expect(withAuth.text_).toBe("with credentials");
    expect((await cache.send(path)).text_).toBe("anonymous view");
  });
});

describe("edge cache: targeted cache control (RFC 9213)", () => {
  it("CDN-Cache-Control overrides Cache-Control for this cache and is removed from the response", async () => {
    const cache = await createCacheFixture();
    const stores = uniquePath("/c/public");
    await program(stores, ok("no-store", [["cdn-cache-control", "max-age=60"]]));
    const first = await cache.send(stores);
    expect(first.headers.get("cdn-cache-control")).toBeNull();
    expect(first.headers.get("cache-control")).toBe("no-store");
    expect((await cache.send(stores)).headers.get("x-cache")).toBe("HIT");

    const shorter = uniquePath("/c/public");
    await program(shorter, ok("max-age=3600", [["cdn-cache-control", "max-age=1"]]));
    await cache.send(shorter);
    cache.advance(5);
    expect((await cache.send(shorter)).headers.get("x-cache")).toBe("MISS");

    for (const targeted of ["no-store", "private", "no-cache"]) {
      const path = uniquePath("/c/public");
      await program(path, ok("max-age=3600", [["cdn-cache-control", targeted]]));
      await cache.send(path);
      expect((await cache.send(path)).headers.get("x-cache"), targeted).not.toBe("HIT");
    }
  });

  it("Cloudflare-CDN-Cache-Control wins over CDN-Cache-Control; an invalid field is ignored", async () => {
    const cache = await createCacheFixture();
    const specific = uniquePath("/c/public");
    await program(
      specific,
      ok("max-age=3600", [
        ["cdn-cache-control", "max-age=3600"],
        ["cloudflare-cdn-cache-control", "no-store"],
      ]),
    );
    await cache.send(specific);
    expect((await cache.send(specific)).headers.get("x-cache")).toBe("MISS");
    for (const invalid of ['max-age="60"', "max-age=60, &&&"]) {
      const path = uniquePath("/c/public");
      await program(path, ok("no-store", [["cdn-cache-control", invalid]]));
      await cache.send(path);
      expect((await cache.send(path)).headers.get("x-cache"), invalid).toBe("MISS");
    }
  });

  it("keeps the targeted fields when the route says stripTargetedHeaders: false", async () => {
    const cache = await createCacheFixture();
    const path = uniquePath("/c/keep");
    await program(path, ok("max-age=60", [["cdn-cache-control", "max-age=30"]]));
    expect((await cache.send(path)).headers.get("cdn-cache-control")).toBe("max-age=30");
  });
});

import { describe, expect, it } from "vitest";
import { createCacheFixture, ok, originHits, program, uniquePath } from "./test-fixture.ts";

const SECRET = "purge-secret-for-tests";

function purge(body: unknown, secret = SECRET): [string, RequestInit] {
  return [
    "/_gateway/cache/purge",
    {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    },
  ];
}

describe("edge cache: purge endpoint", () => {
  it("purges every entry carrying a tag (Cache-Tag and Surrogate-Key), across variants, and nothing else", async () => {
    const cache = await createCacheFixture({ purgeSecret: SECRET });
    const tag = `product-${crypto.randomUUID()}`;
    const a = uniquePath("/c/public");
    const b = uniquePath("/c/public");
    const other = uniquePath("/c/public");
    await program(
      a,
      ok("max-age=600", [
        ["cache-tag", `${tag},list`],
        ["vary", "accept-language"],
      ]),
    );
    await program(b, ok("max-age=600", [["surrogate-key", `x ${tag}`]]));
    await program(other, ok("max-age=600", [["cache-tag", "unrelated"]]));
    await cache.send(a, { headers: { "accept-language": "en" } });
    await cache.send(a, { headers: { "accept-language": "fr" } });
    await cache.send(b);
    await cache.send(other);

    const purged = await cache.send(...purge({ tags: [tag] }));
    expect(purged.status).toBe(200);
    expect(JSON.parse(purged.text_).purged).toBeGreaterThanOrEqual(3);

    expect((await cache.send(a, { headers: { "accept-language": "en" } })).headers.get("x-cache")).toBe(
      "MISS",
    );
    expect((await cache.send(a, { headers: { "accept-language": "fr" } })).headers.get("x-cache")).toBe(
      "MISS",
    );
    expect((await cache.send(b)).headers.get("x-cache")).toBe("MISS");
    expect((await cache.send(other)).headers.get("x-cache")).toBe("HIT");
    expect(await originHits(a)).toBe(4);
  });

  it("purges by exact URL and by path prefix, for every consumer's entries", async () => {
    const cache = await createCacheFixture({ purgeSecret: SECRET });
    const folder = uniquePath("/c/public");
    const exact = `${folder}/one?x=1`;
    const sibling = `${folder}/two`;
    const outside = uniquePath("/c/public");
    for (const path of [exact, sibling, outside]) await program(path, ok("max-age=600"));
    for (const path of [exact, `${folder}/one?x=2`, sibling, outside]) await cache.send(path);

    await cache.send(...purge({ urls: [exact] }));
    expect((await cache.send(exact)).headers.get("x-cache")).toBe("MISS");
    expect((await cache.send(`${folder}/one?x=2`)).headers.get("x-cache")).toBe("HIT");

    await cache.send(...purge({ prefixes: [`${folder}/`] }));
    expect((await cache.send(sibling)).headers.get("x-cache")).toBe("MISS");
    expect((await cache.send(`${folder}/one?x=2`)).headers.get("x-cache")).toBe("MISS");
    expect((await cache.send(outside)).headers.get("x-cache")).toBe("HIT");
  });

  it("refuses a wrong or missing secret and bad bodies with the JSON error shape", async () => {
    const cache = await createCacheFixture({ purgeSecret: SECRET });
    const wrong = await cache.send(...purge({ tags: ["x"] }, "not-the-secret"));
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.text_).error.code).toBe("unauthorized");
    const missing = await cache.send("/_gateway/cache/purge", { method: "POST", body: "{}" });
    expect(missing.status).toBe(401);
    for (const body of [{}, { tags: "x" }, { urls: ["no-slash"] }, { everything: true }]) {
      const answer = await cache.send(...purge(body));
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(JSON.parse(answer.text_).error.code).toBe("bad_request");
    }
    const notJson = await cache.send("/_gateway/cache/purge", {
      method: "POST",
      headers: { authorization: `Bearer ${SECRET}` },
      body: "{",
    });
    expect(notJson.status).toBe(400);
  });

  it("does not exist without a configured secret", async () => {
    const cache = await createCacheFixture();
    const answer = await cache.send(...purge({ tags: ["x"] }, ""));
    expect(answer.status).toBe(404);
  });
});

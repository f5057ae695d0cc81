import { describe, expect, it } from "vitest";
import { createFixture, errorOf, recorded } from "../../../test/workerd/edge-fixture.ts";
import { centralHits } from "../../../test/workerd/recording-central.ts";

const GEO_ROUTES = `
  - name: eu-only
    path: /api/eu
    auth: public
    methods: [GET]
    upstream: "http://127.0.0.1:9"
    geo: { allowContinents: [EU], denyCountries: [by] }
  - name: embargo
    path: /api/embargo
    auth: public
    methods: [GET]
    upstream: "http://127.0.0.1:9"
    geo: { denyCountries: [KP, IR], status: 403 }`;

function at(
  path: string,
  cf: { country?: string; continent?: string },
  headers: Record<string, string> = {},
) {
  return new Request(`http://edge.example${path}`, { cf, headers });
}

describe("geo refusal", () => {
  it("request.cf: 451 outside the allowed continent and for a denied country in it; central not called", async () => {
    const { app } = await createFixture({ extraRoutes: GEO_ROUTES });
    const ok = await app.request(at("/api/eu/x", { country: "DE", continent: "EU" }));
    expect((await recorded(ok)).url).toBe("/api/eu/x");
    for (const cf of [{ country: "US", continent: "NA" }, { country: "BY", continent: "EU" }, {}]) {
      const path = `/api/eu/${crypto.randomUUID()}`;
      const response = await app.request(at(path, cf));
      expect(response.status, JSON.stringify(cf)).toBe(451);
      const error = await errorOf(response);
      expect(error.code).toBe("unavailable_for_legal_reasons");
      expect(error.message).toBe(
        `this route is not available from your location (${cf.country ?? "unknown"})`,
      );
      expect(error.requestId).toBe(response.headers.get("x-request-id"));
      expect(await centralHits(path)).toBe(0);
    }
  });

  it("status 403 geo_denied when configured; other countries and routes without rules pass", async () => {
    const { app } = await createFixture({ extraRoutes: GEO_ROUTES });
    const refused = await app.request(at("/api/embargo/x", { country: "KP", continent: "AS" }));
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).code).toBe("geo_denied");
    expect((await app.request(at("/api/embargo/x", { country: "JP", continent: "AS" }))).status).toBe(200);
    expect((await app.request(at("/api/embargo/x", {}))).status).toBe(200);
    expect((await app.request(at("/api/public/x", { country: "KP" }))).status).toBe(200);
  });

  it("a location header is ignored unless configured", async () => {
    const { app } = await createFixture({ extraRoutes: GEO_ROUTES });
    const response = await app.request(
      at("/api/eu/x", { country: "US", continent: "NA" }, { "x-geo-country": "DE" }),
    );
    expect(response.status).toBe(451);
  });

  it("behind a trusted proxy: the configured headers decide, request.cf is not used", async () => {
    const { app } = await createFixture({
      extraRoutes: GEO_ROUTES,
      extraTopLevelYaml: "geo: { countryHeader: X-Geo-Country, continentHeader: X-Geo-Continent }",
    });
    const eu = { "x-geo-country": "fr", "x-geo-continent": "EU" };
    expect((await app.request(at("/api/eu/x", { country: "US", continent: "NA" }, eu))).status).toBe(200);
    // request.cf says EU, but it describes the proxy: without the headers the location is unknown.
    expect((await app.request(at("/api/eu/x", { country: "DE", continent: "EU" }))).status).toBe(451);
    const embargoed = { "x-geo-country": "IR", "x-geo-continent": "AS" };
    expect((await app.request(at("/api/embargo/x", { country: "DE" }, embargoed))).status).toBe(403);
  });

  it("signs the client's country and continent into the identity token central verifies", async () => {
    const { app } = await createFixture({ extraRoutes: GEO_ROUTES });
    const seen = await recorded(await app.request(at("/api/public/geo", { country: "DE", continent: "EU" })));
    if (!seen.identity.ok) throw new Error(`central refused the token: ${seen.identity.message}`);
    expect(seen.identity.claims).toMatchObject({ country: "DE", continent: "EU" });
    // Unknown location: no claims; a malformed code is never signed.
    for (const cf of [{}, { country: "not-a-code", continent: "Atlantis" }]) {
      const other = await recorded(await app.request(at("/api/public/geo", cf)));
      if (!other.identity.ok) throw new Error(`central refused the token: ${other.identity.message}`);
      expect(other.identity.claims.country).toBeUndefined();
      expect(other.identity.claims.continent).toBeUndefined();
    }
  });

  it("behind a trusted proxy the configured headers are what gets signed", async () => {
    const { app } = await createFixture({
      extraRoutes: GEO_ROUTES,
      extraTopLevelYaml: "geo: { countryHeader: X-Geo-Country, continentHeader: X-Geo-Continent }",
    });
    const seen = await recorded(
      await app.request(
        at(
          "/api/public/geo",
          { country: "US", continent: "NA" },
          { "x-geo-country": "jp", "x-geo-continent": "AS" },
        ),
      ),
    );
    if (!seen.identity.ok) throw new Error(`central refused the token: ${seen.identity.message}`);
    expect(seen.identity.claims).toMatchObject({ country: "JP", continent: "AS" });
  });
});

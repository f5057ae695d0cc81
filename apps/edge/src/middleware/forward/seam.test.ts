import { createIdentitySigner, type IdentitySigner } from "@gateway/identity";
import { IDENTITY_HEADER, type Identity } from "@gateway/types";
import { Hono, type MiddlewareHandler } from "hono";
import { describe, expect, inject, it } from "vitest";
import { createFixture, recorded } from "../../../test/workerd/edge-fixture.ts";
import { centralHits } from "../../../test/workerd/recording-central.ts";
import type { EdgeHonoEnv, EdgeRoute } from "../../context.ts";
import {
  type CentralFetcher,
  centralUrlFor,
  createCentralFetcher,
  createForward,
  createForwardRequest,
  type PreparedRequest,
  signIdentity,
} from "./index.ts";

const ALICE: Identity = { sub: "alice", auth: "jwt", roles: ["reader"], scopes: [] };

async function edgeSigner(): Promise<IdentitySigner> {
  return createIdentitySigner({
    privateJwk: inject("servers").edgeIdentityPrivateJwk,
    issuer: "edge",
    ttlSeconds: 30,
  });
}

async function routeNamed(name: string): Promise<EdgeRoute> {
  const route = (await createFixture()).config.routes.find((candidate) => candidate.name === name);
  if (!route) throw new Error(`test config has no route ${name}`);
  return route;
}

/** What the earlier middleware would have established, so the seam can be composed on its own. */
function establishedContext(route: EdgeRoute, requestId: string): MiddlewareHandler<EdgeHonoEnv> {
  return async (c, next) => {
    const url = new URL(c.req.raw.url);
    c.set("requestId", requestId);
    c.set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    c.set("traceId", "4bf92f3577b34da6a3ce929d0e0e4736");
    c.set("tracestate", undefined);
    c.set("target", { path: url.pathname, query: url.search === "" ? undefined : url.search.slice(1) });
    c.set("route", route);
    c.set("clientHeaders", new Headers(c.req.raw.headers));
    c.set("identity", ALICE);
    c.set("body", null);
    await next();
  };
}

describe("the forward seam", () => {
  it("middleware between createForwardRequest and createForward changes what central gets; the token binds the result", async () => {
    const signer = await edgeSigner();
    const app = new Hono<EdgeHonoEnv>();
    app.use(establishedContext(await routeNamed("public"), "seam-change"));
    app.use(createForwardRequest({ centralUrl: inject("servers").centralOrigin }));
    app.use(async (c, next) => {
      const request = c.get("forwardRequest");
      request.headers.set("if-none-match", '"v1"');
      request.url.search = "kept=1";
      await next();
    });
    app.all("*", createForward({ signer, fetcher: createCentralFetcher() }));

    const seen = await recorded(await app.request("/api/public/seam?api_key=secret&kept=1"));
    expect(seen.url).toBe("/api/public/seam?kept=1");
    expect(seen.headers["if-none-match"]).toBe('"v1"');
    expect(seen.headers["x-request-id"]).toBe("seam-change");
    expect(seen.identity).toMatchObject({ ok: true, claims: { sub: "alice", htm: "GET", cip: "127.0.0.1" } });
  });

  it("middleware there may answer itself: central is not called", async () => {
    const signer = await edgeSigner();
    const path = `/api/public/seam-answered-${crypto.randomUUID()}`;
    const app = new Hono<EdgeHonoEnv>();
    app.use(establishedContext(await routeNamed("public"), "seam-answer"));
    app.use(createForwardRequest({ centralUrl: inject("servers").centralOrigin }));
    app.use(async (c) => c.text(`answered ${c.get("forwardRequest").url.pathname}`));
    app.all("*", createForward({ signer, fetcher: createCentralFetcher() }));

    const response = await app.request(path);
    expect(await response.text()).toBe(`answered ${path}`);
    expect(await centralHits(path)).toBe(0);
  });

  it("deps.centralFetcher replaces how signed requests reach central, for every forwarded request", async () => {
    const sent: PreparedRequest[] = [];
    const real = createCentralFetcher();
    const counting: CentralFetcher = {
      fetch(request) {
        sent.push(request);
        return real.fetch(request);
      },
    };
    const { app } = await createFixture({ deps: { centralFetcher: counting } });
    const seen = await recorded(await app.request("/api/public/fetcher?x=1"));
    expect(seen.identity.ok).toBe(true);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.url.pathname).toBe("/api/public/fetcher");
    expect(sent[0]?.headers.get(IDENTITY_HEADER)).toBe(seen.headers[IDENTITY_HEADER]);
  });

  it("a request the edge makes itself: built, signed and sent with the same parts", async () => {
    const signer = await edgeSigner();
    const request: PreparedRequest = {
      url: centralUrlFor(inject("servers").centralOrigin, "/internal/check", "k=1"),
      method: "POST",
      headers: new Headers({ "content-type": "application/json" }),
      body: null,
      binding: { clientIp: "203.0.113.1" },
    };
    const signed = await signIdentity(request, ALICE, signer);
    expect(request.headers.has(IDENTITY_HEADER)).toBe(false);
    const seen = await recorded(await createCentralFetcher().fetch(signed));
    expect(seen.url).toBe("/internal/check?k=1");
    expect(seen.identity).toMatchObject({
      ok: true,
      claims: { sub: "alice", htm: "POST", cip: "203.0.113.1" },
    });
  });

  it("changing the target after signing breaks the binding: central refuses the token", async () => {
    const signer = await edgeSigner();
    const signed = await signIdentity(
      {
        url: centralUrlFor(inject("servers").centralOrigin, "/api/public/a", undefined),
        method: "GET",
        headers: new Headers(),
        body: null,
        binding: { clientIp: "127.0.0.1" },
      },
      ALICE,
      signer,
    );
    signed.url.pathname = "/api/public/b";
    const seen = await recorded(await createCentralFetcher().fetch(signed));
    expect(seen.url).toBe("/api/public/b");
    expect(seen.identity.ok).toBe(false);
  });
});

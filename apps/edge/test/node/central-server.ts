import { createServer, type Server } from "node:http";
import { createIdentityVerifier, type IdentityPublicJwk } from "@gateway/identity";
import type { RecordedRequest } from "../shared/provided-context.ts";

/**
 * A stand-in for the central tier: verifies the edge identity token against
 * the exact method and target it received, and answers with everything it saw.
 * GET .../redirect answers 302, to check that the edge does not follow it.
 * GET .../noisy answers with headers the edge must not pass on: hop-by-hop ones
 * (also one named in Connection), software banners and its own CORS headers.
 * GET /__completed?id=<x-request-id> says whether a request with that id was
 * received in full (an aborted upload is not).
 * A request carrying `x-test-central-reply: {"status":429,"retryAfter":"30","code":"rate_limited"}`
 * is answered with that status, Retry-After and error code instead of the echo (and with
 * `"proxyStatus":"..."`, that Proxy-Status header).
 * GET /__hits?path=<path> says how many requests for that exact path arrived.
 */
export async function startCentralServer(edgePublicJwk: IdentityPublicJwk): Promise<Server> {
  const verifier = await createIdentityVerifier({
    publicKeys: { keys: [edgePublicJwk] },
    audience: "central",
    issuers: ["edge"],
    clockSkewSeconds: 5,
  });
  const completed = new Set<string>();
  const hits = new Map<string, number>();
  const server = createServer(async (req, res) => {
    if (req.url?.startsWith("/__completed?")) {
      const id = new URL(req.url, "http://localhost").searchParams.get("id") ?? "";
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ completed: completed.has(id) }));
      return;
    }
    if (req.url?.startsWith("/__hits?")) {
      const path = new URL(req.url, "http://localhost").searchParams.get("path") ?? "";
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ hits: hits.get(path) ?? 0 }));
      return;
    }
    const path = (req.url ?? "").split("?")[0] ?? "";
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const reply = req.headers["x-test-central-reply"];
    if (typeof reply === "string") {
      const { status, retryAfter, code, proxyStatus } = JSON.parse(reply) as Record<string, string | number>;
      res.statusCode = Number(status);
      if (proxyStatus !== undefined) res.setHeader("proxy-status", String(proxyStatus));
      if (retryAfter !== undefined) res.setHeader("retry-after", String(retryAfter));
      res.setHeader("ratelimit-policy", '"per-user";q=5;w=60');
      res.setHeader("ratelimit", `"per-user";r=0;t=${retryAfter ?? 0}`);
      res.setHeader("x-central", "yes");
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({ error: { code, message: "from central", requestId: req.headers["x-request-id"] } }),
      );
      return;
    }
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const requestId = req.headers["x-request-id"];
      if (typeof requestId === "string") completed.add(requestId);
      const method = req.method ?? "";
      const url = req.url ?? "";
      const token = req.headers["x-gateway-identity"];
      const recorded: RecordedRequest = {
        method,
        url,
        headers: req.headers,
        body: body.toString("utf8"),
        bodyBytes: body.length,
        identity: await verifier.verify(typeof token === "string" ? token : undefined, {
          method,
          pathAndQuery: url,
        }),
      };
      res.setHeader("server-timing", "central;dur=1");
      res.setHeader("x-central", "yes");
      res.setHeader("x-central-method", method);
      if (url.endsWith("/noisy")) {
        res.setHeader("connection", "x-central-hop");
        res.setHeader("x-central-hop", "secret");
        res.setHeader("keep-alive", "timeout=5");
        res.setHeader("server", "Apache/2.4.1 (Unix)");
        res.setHeader("x-powered-by", "Express");
        res.setHeader("access-control-allow-origin", "*");
        res.setHeader("access-control-allow-credentials", "true");
      }
      if (url.endsWith("/redirect")) {
        res.statusCode = 302;
        res.setHeader("location", "https://elsewhere.example/");
      }
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(recorded));
    } catch (error) {
      res.statusCode = 599;
      res.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

import { createServer, type Server } from "node:http";
import { createIdentityVerifier, type IdentityPublicJwk } from "@gateway/identity";
import type { RecordedRequest } from "../shared/provided-context.ts";

/**
 * A stand-in for the central tier: verifies the edge identity token against
 * the exact method and target it received, and answers with everything it saw.
 * GET .../redirect answers 302, to check that the edge does not follow it.
 * GET /__completed?id=<x-request-id> says whether a request with that id was
 * received in full (an aborted upload is not).
 */
export async function startCentralServer(edgePublicJwk: IdentityPublicJwk): Promise<Server> {
  const verifier = await createIdentityVerifier({
    publicKeys: { keys: [edgePublicJwk] },
    audience: "central",
    issuers: ["edge"],
    clockSkewSeconds: 5,
  });
  const completed = new Set<string>();
  const server = createServer(async (req, res) => {
    if (req.url?.startsWith("/__completed?")) {
      const id = new URL(req.url, "http://localhost").searchParams.get("id") ?? "";
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ completed: completed.has(id) }));
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

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import {
  createIdentityVerifier,
  type HopSecretJwk,
  type IdentityPublicJwk,
  type IdentityVerifier,
} from "@gateway/identity";
import { createNodeHmacIdentityVerifier } from "@gateway/identity/node";
import { targetPath } from "@gateway/types";
import type { RecordedRequest } from "../shared/provided-context.ts";
import { createKeyVerifyStub } from "./key-verify.ts";

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
 * The API key verification endpoint and its controls: see key-verify.ts.
 */
export async function startCentralServer(
  edgePublicJwk: IdentityPublicJwk,
  edgeCentralKeys: { keys: HopSecretJwk[] },
): Promise<Server> {
  const rules = { audience: "central", issuers: ["edge"], clockSkewSeconds: 5 };
  // Both hops, like a real central in either configuration: an HS256 token (the Worker's
  // default, signed in workerd) is verified with node:crypto, an EdDSA one with WebCrypto.
  const ed25519 = await createIdentityVerifier({ ...rules, publicKeys: { keys: [edgePublicJwk] } });
  const hmac = await createNodeHmacIdentityVerifier({ ...rules, secretKeys: edgeCentralKeys });
  const verifier: IdentityVerifier = {
    verify: (token, request) =>
      (typeof token === "string" && isHs256(token) ? hmac : ed25519).verify(token, request),
  };
  const completed = new Set<string>();
  const hits = new Map<string, number>();
  const keyVerify = createKeyVerifyStub(verifier);
  const server = createServer(async (req, res) => {
    if (await keyVerify(req, res)) return;
    if (answerProbe(req, res, { completed, hits })) return;
    const path = targetPath(req.url ?? "");
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const reply = req.headers["x-test-central-reply"];
    if (typeof reply === "string") {
      answerScripted(req, res, reply);
      return;
    }
    try {
      await echo(req, res, verifier, completed);
    } catch (error) {
      res.statusCode = 599;
      res.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

/** GET /__completed and /__hits: what the tests ask about the requests seen so far. */
function answerProbe(
  req: IncomingMessage,
  res: ServerResponse,
  seen: { completed: Set<string>; hits: Map<string, number> },
): boolean {
  const url = req.url ?? "";
  if (!url.startsWith("/__completed?") && !url.startsWith("/__hits?")) return false;
  const params = new URL(url, "http://localhost").searchParams;
  res.setHeader("content-type", "application/json");
  if (url.startsWith("/__completed?")) {
    res.end(JSON.stringify({ completed: seen.completed.has(params.get("id") ?? "") }));
  } else {
    res.end(JSON.stringify({ hits: seen.hits.get(params.get("path") ?? "") ?? 0 }));
  }
  return true;
}

/** The status, Retry-After, error code (and Proxy-Status, if any) the request asked for in x-test-central-reply. */
function answerScripted(req: IncomingMessage, res: ServerResponse, reply: string): void {
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
}

/** Reads the whole request, verifies its identity token and answers with everything it saw. */
async function echo(
  req: IncomingMessage,
  res: ServerResponse,
  verifier: IdentityVerifier,
  completed: Set<string>,
): Promise<void> {
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
}

function isHs256(token: string): boolean {
  try {
    const header = JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString("utf8"));
    return (header as { alg?: unknown }).alg === "HS256";
  } catch {
    return false;
  }
}

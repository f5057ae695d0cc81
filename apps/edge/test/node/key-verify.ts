import type { IncomingMessage, ServerResponse } from "node:http";
import type { IdentityVerifier } from "@gateway/identity";
import { KEY_VERIFIER_SUBJECT, KEY_VERIFY_PATH } from "@gateway/types";

/**
 * Central's key verification endpoint as the edge tests need it, over real HTTP:
 * POST /_gateway/keys/verify checks the edge's identity token (subject
 * gateway:edge, bound to this POST) and answers the verdict a test registered
 * with POST /__keys {"key","verdict"} (unknown keys: {"valid":false,"reason":"unknown"}).
 * GET /__verifies?key=<key> counts verification calls for a key.
 * A registered verdict of "fail" answers 500 (central broken).
 */
export function createKeyVerifyStub(verifier: IdentityVerifier) {
  const verdicts = new Map<string, unknown>();
  const calls = new Map<string, number>();

  const read = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
  };
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.statusCode = status;
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(body));
  };

  /** True when the request was one of these endpoints (and is answered). */
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = req.url ?? "";
    if (req.method === "POST" && url === "/__keys") {
      const { key, verdict } = await read(req);
      verdicts.set(String(key), verdict);
      json(res, 204, {});
      return true;
    }
    if (url.startsWith("/__verifies?")) {
      const key = new URL(url, "http://localhost").searchParams.get("key") ?? "";
      json(res, 200, { calls: calls.get(key) ?? 0 });
      return true;
    }
    if (url !== KEY_VERIFY_PATH) return false;
    const token = req.headers["x-gateway-identity"];
    const identity = await verifier.verify(typeof token === "string" ? token : undefined, {
      method: req.method ?? "",
      pathAndQuery: url,
    });
    if (
      !identity.ok ||
      identity.claims.sub !== KEY_VERIFIER_SUBJECT ||
      identity.claims.auth !== "anonymous"
    ) {
      json(res, 404, { error: { code: "not_found", message: "no route", requestId: "-" } });
      return true;
    }
    const key = String((await read(req)).key);
    calls.set(key, (calls.get(key) ?? 0) + 1);
    const verdict = verdicts.get(key) ?? { valid: false, reason: "unknown" };
    if (verdict === "fail")
      json(res, 500, { error: { code: "internal_error", message: "x", requestId: "-" } });
    else json(res, 200, verdict);
    return true;
  };
}

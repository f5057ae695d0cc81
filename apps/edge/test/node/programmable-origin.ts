import { createServer, type Server } from "node:http";
import type { OriginRequest, ScriptedResponse } from "../shared/programmable-origin-types.ts";

/**
 * A real HTTP server that plays central for the cache tests, programmable per path:
 *   POST /__program  {"path": "/c/x/1", "responses": [...]}  answers for that path, in order (the last repeats)
 *   GET  /__requests?path=/c/x/1                               what arrived for that path (method, url, headers)
 * Paths are matched without their query string. Every answer carries `x-origin-hit: <n>`.
 */
export async function startProgrammableOrigin(): Promise<Server> {
  const scripts = new Map<string, ScriptedResponse[]>();
  const seen = new Map<string, OriginRequest[]>();
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", "http://origin.test");
    if (url.pathname === "/__program" && req.method === "POST") {
      const { path, responses } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        path: string;
        responses: ScriptedResponse[];
      };
      scripts.set(path, responses);
      seen.set(path, []);
      res.end("ok");
      return;
    }
    if (url.pathname === "/__requests") {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(seen.get(url.searchParams.get("path") ?? "") ?? []));
      return;
    }
    const log = seen.get(url.pathname) ?? [];
    seen.set(url.pathname, log);
    log.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    const script = scripts.get(url.pathname) ?? [{ status: 404, body: "not programmed" }];
    const answer = script[Math.min(log.length - 1, script.length - 1)] ?? {};
    if (answer.destroy) {
      req.socket.destroy();
      return;
    }
    res.statusCode = answer.status ?? 200;
    const lines: string[] = [];
    for (const [name, value] of answer.headers ?? []) {
      lines.push(name, value === "now" && name.toLowerCase() === "date" ? new Date().toUTCString() : value);
    }
    lines.push("x-origin-hit", String(log.length));
    if (!(answer.headers ?? []).some(([name]) => name.toLowerCase() === "date")) {
      lines.push("date", new Date().toUTCString());
    }
    const body = answer.body ?? `body ${log.length}`;
    if (!(answer.headers ?? []).some(([name]) => name.toLowerCase() === "content-length")) {
      lines.push("content-length", String(Buffer.byteLength(body)));
    }
    res.writeHead(res.statusCode, lines);
    res.end(req.method === "HEAD" ? undefined : body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

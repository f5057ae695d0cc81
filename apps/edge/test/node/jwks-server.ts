import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { IssuerKeyName } from "../shared/provided-context.ts";
import type { IssuerKey } from "./issuer-keys.ts";

/**
 * GET /<tag>/es256.json, /<tag>/rs256.json: one key each.
 * GET /<tag>/rotating.json: es256 on the first fetch, es256 + late afterwards.
 * GET /<tag>/retiring.json: es256 + late on the first fetch, es256 only afterwards.
 * GET /__count?path=/<tag>/<set>.json: how often that exact path was fetched.
 * Tests use a fresh tag each, so their counts do not mix.
 */
export async function startJwksServer(keys: Record<IssuerKeyName, IssuerKey>): Promise<Server> {
  const fetches = new Map<string, number>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/__count") {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ count: fetches.get(url.searchParams.get("path") ?? "") ?? 0 }));
      return;
    }
    const count = (fetches.get(url.pathname) ?? 0) + 1;
    fetches.set(url.pathname, count);
    const set = url.pathname.split("/").at(-1);
    const published =
      set === "es256.json"
        ? [keys.es256]
        : set === "rs256.json"
          ? [keys.rs256]
          : set === "rotating.json"
            ? count === 1
              ? [keys.es256]
              : [keys.es256, keys.late]
            : set === "retiring.json"
              ? count === 1
                ? [keys.es256, keys.late]
                : [keys.es256]
              : undefined;
    if (!published) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ keys: published.map((key) => key.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

export function originOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

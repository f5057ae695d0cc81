import type { IncomingMessage, ServerResponse } from "node:http";
import type { ReusableIdentityClaims } from "@gateway/identity";
import type { IdentityClaims } from "@gateway/types";
import { HttpError, readBody, readJsonBody, sendJson } from "./http-json.ts";
import { parseNewUser } from "./user-input.ts";
import type { UserStore } from "./users-store.ts";

export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_SLOW_MS = 30_000;

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  /** Request-bound claims, or a reusable token's (routes with serviceToken: reuse). */
  claims: IdentityClaims | ReusableIdentityClaims;
}

export interface RouteDeps {
  store: UserStore;
  /** Requests answered so far, for /admin/stats. */
  requestCount: () => number;
  startedAt: number;
  now: () => number;
}

interface Route {
  /** "*" = any method. */
  method: string;
  pattern: RegExp;
  handle(context: RouteContext, deps: RouteDeps): Promise<void> | void;
}

/** What the service saw: used by end-to-end tests to check which headers survived the gateway. */
function echoOf({ req, claims }: RouteContext) {
  return { method: req.method, target: req.url, identity: claims, headers: req.headers };
}

const ROUTES: Route[] = [
  {
    method: "GET",
    pattern: /^\/users\/me$/,
    handle: (context) => sendJson(context.res, 200, echoOf(context)),
  },
  {
    method: "GET",
    pattern: /^\/users$/,
    handle: ({ res }, { store }) => sendJson(res, 200, { users: store.list() }),
  },
  {
    method: "POST",
    pattern: /^\/users$/,
    async handle({ req, res }, { store }) {
      const parsed = parseNewUser(await readJsonBody(req, MAX_BODY_BYTES));
      if (!parsed.ok) throw new HttpError("bad_request", parsed.message);
      const user = store.create(parsed.value);
      sendJson(res, 201, user, { location: `/users/${user.id}` });
    },
  },
  {
    method: "GET",
    pattern: /^\/users\/(?<id>[^/]+)$/,
    handle({ res, params }, { store }) {
      const user = store.get(params.id as string);
      if (user === undefined) throw new HttpError("not_found", `no user "${params.id}"`);
      sendJson(res, 200, user);
    },
  },
  {
    method: "GET",
    pattern: /^\/public\/hello$/,
    handle: ({ res, claims }) => sendJson(res, 200, { message: "hello", sub: claims.sub, auth: claims.auth }),
  },
  {
    method: "GET",
    pattern: /^\/admin\/stats$/,
    handle({ res, claims }, deps) {
      // Central enforces route roles too; the service does not rely on that alone.
      if (!claims.roles.includes("admin")) throw new HttpError("forbidden", 'role "admin" required');
      sendJson(res, 200, {
        users: deps.store.count(),
        requestsServed: deps.requestCount(),
        uptimeSeconds: Math.floor((deps.now() - deps.startedAt) / 1000),
      });
    },
  },
  {
    method: "GET",
    pattern: /^\/slow$/,
    async handle({ res, url }) {
      const raw = url.searchParams.get("ms") ?? "1000";
      const ms = Number(raw);
      if (!/^\d+$/.test(raw) || ms > MAX_SLOW_MS) {
        throw new HttpError("bad_request", `"ms" must be an integer from 0 to ${MAX_SLOW_MS}`);
      }
      const completed = await sleepUnlessClosed(res, ms);
      if (completed) sendJson(res, 200, { sleptMs: ms });
    },
  },
  {
    method: "*",
    pattern: /^\/echo(?:\/.*)?$/,
    async handle(context) {
      const body = await readBody(context.req, MAX_BODY_BYTES);
      sendJson(context.res, 200, {
        ...echoOf(context),
        body: body.length > 0 ? body.toString("utf8") : null,
      });
    },
  },
];

/** Resolves false if the client went away first (e.g. the gateway's timeout fired), freeing the timer. */
function sleepUnlessClosed(res: ServerResponse, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off("close", onClose);
      resolve(true);
    }, ms);
    res.once("close", onClose);
  });
}

export async function dispatch(context: Omit<RouteContext, "params">, deps: RouteDeps): Promise<void> {
  const path = context.url.pathname;
  const allowed = new Set<string>();
  for (const route of ROUTES) {
    const match = route.pattern.exec(path);
    if (match === null) continue;
    // HEAD is served wherever GET is; Node leaves the body out.
    const method = context.req.method === "HEAD" ? "GET" : context.req.method;
    if (route.method !== "*" && route.method !== method) {
      allowed.add(route.method);
      continue;
    }
    return route.handle({ ...context, params: decodedParams(match) }, deps);
  }
  if (allowed.size > 0) {
    throw new HttpError("method_not_allowed", `${context.req.method} not allowed on ${path}`, {
      allow: [...allowed].join(", "),
    });
  }
  throw new HttpError("not_found", `no route for ${path}`);
}

function decodedParams(match: RegExpExecArray): Record<string, string> {
  try {
    return Object.fromEntries(
      Object.entries(match.groups ?? {}).map(([name, value]) => [name, decodeURIComponent(value ?? "")]),
    );
  } catch {
    throw new HttpError("invalid_path", "path contains invalid percent-encoding");
  }
}

import type { ClientRequest, IncomingMessage, ServerResponse } from "node:http";
import type { TimeoutsConfig } from "@gateway/types";
import { createProxyMiddleware, type Options } from "http-proxy-middleware";
import type { AttemptFailure, AttemptResult, Transport, TransportAttempt, UpstreamTarget } from "../types.ts";
import { dropIdleSockets } from "./agents.ts";
import type { RequestBody } from "./body.ts";
import type { HttpTarget } from "./target.ts";

/**
 * One attempt's request: the client's own request and response, with `req.url` and
 * `req.headers` already set to exactly what the service receives (the proxy copies them).
 */
export interface HttpRequestSpec {
  req: IncomingMessage;
  res: ServerResponse;
  body: RequestBody;
}

const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

/** Listeners http-proxy-middleware and httpxy add to the client's req/res on each attempt. */
const LISTENERS_PER_ATTEMPT = 4;

export interface HttpTransportOptions {
  /** The pool's targets, by index. */
  targets: readonly HttpTarget[];
  timeouts: TimeoutsConfig;
}

/** What one attempt needs from the proxy's events (the proxy is shared by every request of the route). */
interface AttemptHooks {
  target: HttpTarget;
  /** The target's origin: the service receives `req.url` as it is. */
  origin: URL;
  onProxyReq(proxyReq: ClientRequest): void;
}

const ATTEMPT = Symbol("attempt");
type AttemptOptions = Options<IncomingMessage, ServerResponse> & { [ATTEMPT]?: AttemptHooks };

/**
 * http-proxy-middleware (httpxy underneath) with the origin's keep-alive agent,
 * in self-handled-response mode: it builds and streams the upstream request and
 * hands back the response head; central relays, retries and reports. Timers per
 * attempt: connect (until the socket connects, skipped on a reused keep-alive
 * socket), first byte (until the response head), and an idle limit of firstByteMs
 * on the socket for the rest of the exchange (slow uploads, stalled bodies).
 */
export function createHttpTransport(
  options: HttpTransportOptions,
): Transport<HttpRequestSpec, IncomingMessage> {
  const pending = new WeakMap<IncomingMessage, AttemptHooks>();
  const byIndex = options.targets.map((target) => ({ target, origin: new URL(target.origin) }));
  const proxy = createProxyMiddleware<IncomingMessage, ServerResponse>({
    // The router runs once per proxied call and receives that call's own options object.
    router(req, _res, callOptions: AttemptOptions) {
      const hooks = pending.get(req);
      if (hooks === undefined) throw new Error("proxy called without an attempt");
      pending.delete(req);
      callOptions[ATTEMPT] = hooks;
      callOptions.agent = hooks.target.agent;
      return hooks.origin;
    },
    changeOrigin: true,
    xfwd: false,
    selfHandleResponse: true,
    // No default error responses or logging: central answers failures itself.
    ejectPlugins: true,
    plugins: [
      (server) => {
        server.on("proxyReq", (proxyReq, _req, _res, callOptions) => {
          (callOptions as AttemptOptions)[ATTEMPT]?.onProxyReq(proxyReq);
        });
        // Failures are classified on the upstream request itself (onProxyReq); these
        // listeners only keep httpxy from treating the events as unhandled.
        server.on("error", () => {});
        server.on("econnreset", () => {});
      },
    ],
  });

  return {
    attempt(target: UpstreamTarget, spec: HttpRequestSpec): TransportAttempt<IncomingMessage> {
      const entry = byIndex[target.index];
      if (entry === undefined) throw new Error(`no HTTP target at index ${target.index}`);
      const http1 = entry.target;
      const { connectMs, firstByteMs } = options.timeouts;
      const { req, res, body } = spec;
      let settle: (result: AttemptResult<IncomingMessage>) => void = () => {};
      const result = new Promise<AttemptResult<IncomingMessage>>((resolve) => {
        settle = resolve;
      });
      let settled = false;
      let connected = false;
      let timedOut: AttemptFailure | undefined;
      let upstreamRequest: ClientRequest | undefined;
      let response: IncomingMessage | undefined;
      const timers: Array<ReturnType<typeof setTimeout>> = [];
      const clearTimers = () => {
        for (const timer of timers.splice(0)) clearTimeout(timer);
      };
      const finish = (value: AttemptResult<IncomingMessage>) => {
        if (settled) return;
        settled = true;
        clearTimers();
        settle(value);
      };
      const fail = (failure: AttemptFailure, error?: Error, staleConnection?: true) => {
        finish({
          ok: false,
          failure,
          ...(error === undefined ? {} : { error }),
          ...(staleConnection === undefined ? {} : { staleConnection }),
        });
        // Still queued for a socket: destroyed as soon as it gets one (onProxyReq).
        upstreamRequest?.destroy();
      };
      const timeOut = (failure: AttemptFailure) => {
        timedOut = failure;
        fail(failure);
      };

      const onProxyReq = (request: ClientRequest) => {
        if (settled) {
          request.destroy();
          return;
        }
        upstreamRequest = request;
        // httpxy closes the connection after any request with Transfer-Encoding. Central
        // sends only the chunked framing Node writes itself, so the socket stays reusable,
        // and a service that answers before the upload ends can drain it instead of resetting.
        request.removeHeader("connection");
        const socket = request.socket;
        if ((socket as { connecting?: boolean } | null)?.connecting === true && socket !== null) {
          const connectTimer = setTimeout(() => timeOut("connect_timeout"), connectMs);
          timers.push(connectTimer);
          socket.once(http1.protocol === "https:" ? "secureConnect" : "connect", () => {
            connected = true;
            clearTimeout(connectTimer);
          });
        } else {
          connected = true;
        }
        request.setTimeout(firstByteMs, () => {
          timedOut ??= "timeout";
          request.destroy();
        });
        request.on("error", (error: Error & { code?: string }) => {
          if (settled) return;
          if (timedOut !== undefined) fail(timedOut);
          else if (!connected || (error.code !== undefined && UNREACHABLE.has(error.code)))
            fail("connect_error", error);
          // A keep-alive socket the service closed just as it was reused: the request was not
          // seen. The service likely closed its other idle sockets too: they go, so the next
          // attempt connects afresh.
          else if (request.reusedSocket && (error.code === "ECONNRESET" || error.code === "EPIPE")) {
            dropIdleSockets(http1.agent);
            fail("connect_error", error, true);
          } else fail("reset", error);
        });
        // Destroyed without an error event (the client went away first).
        request.once("close", () => {
          if (response === undefined) fail(timedOut ?? "reset");
        });
        request.once("response", (incoming: IncomingMessage) => {
          response = incoming;
          if (settled) {
            incoming.destroy();
            return;
          }
          finish({ ok: true, status: incoming.statusCode ?? 502, response: incoming });
        });
        body.sendTo(request);
      };

      timers.push(setTimeout(() => timeOut("timeout"), firstByteMs));
      req.setMaxListeners(req.getMaxListeners() + LISTENERS_PER_ATTEMPT);
      res.setMaxListeners(res.getMaxListeners() + LISTENERS_PER_ATTEMPT);
      pending.set(req, { target: http1, origin: entry.origin, onProxyReq });
      proxy(req, res, (error?: unknown) => {
        fail("connect_error", error instanceof Error ? error : undefined);
      }).catch((error: unknown) => fail("connect_error", error instanceof Error ? error : undefined));
      return {
        result,
        abort() {
          if (!settled) finish({ ok: false, failure: "reset" });
          // A response relayed in full leaves its keep-alive socket to the agent.
          if (response?.complete !== true) upstreamRequest?.destroy();
        },
        discard() {
          // httpxy ties an incomplete response's close to the client's response; this
          // answer is not relayed (a retried 5xx), so the client's response must survive.
          response?.removeAllListeners("close");
          response?.removeAllListeners("error");
          response?.on("error", () => {});
          this.abort();
        },
      };
    },
  };
}

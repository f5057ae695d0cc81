import http, { type IncomingMessage, type OutgoingHttpHeaders } from "node:http";
import https from "node:https";
import type { TimeoutsConfig } from "@gateway/types";
import type { AttemptFailure, AttemptResult, Transport, TransportAttempt, UpstreamTarget } from "../types.ts";
import type { RequestBody } from "./body.ts";
import type { HttpTarget } from "./target.ts";

export interface HttpRequestSpec {
  method: string;
  /** Exactly the request target the service receives. */
  pathAndQuery: string;
  headers: OutgoingHttpHeaders;
  body: RequestBody;
}

const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

export interface HttpTransportOptions {
  /** The pool's targets, by index. */
  targets: readonly HttpTarget[];
  timeouts: TimeoutsConfig;
}

/**
 * node:http with the origin's keep-alive agent. Timers per attempt: connect
 * (until the socket connects, skipped on a reused keep-alive socket), first byte
 * (until the response head), and an idle limit of firstByteMs on the socket for the
 * rest of the exchange (slow uploads, stalled response bodies).
 */
export function createHttpTransport(
  options: HttpTransportOptions,
): Transport<HttpRequestSpec, IncomingMessage> {
  return {
    attempt(target: UpstreamTarget, spec: HttpRequestSpec): TransportAttempt<IncomingMessage> {
      const http1 = options.targets[target.index];
      if (http1 === undefined) throw new Error(`no HTTP target at index ${target.index}`);
      const { connectMs, firstByteMs } = options.timeouts;
      const request = (http1.protocol === "https:" ? https : http).request({
        protocol: http1.protocol,
        hostname: http1.hostname,
        port: http1.port,
        method: spec.method,
        path: spec.pathAndQuery,
        headers: { ...spec.headers, host: http1.host },
        agent: http1.agent,
      });
      let settle: (result: AttemptResult<IncomingMessage>) => void = () => {};
      const result = new Promise<AttemptResult<IncomingMessage>>((resolve) => {
        settle = resolve;
      });
      let settled = false;
      let connected = false;
      let timedOut: AttemptFailure | undefined;
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
      const timeOut = (failure: AttemptFailure) => {
        timedOut = failure;
        fail(failure);
      };
      const fail = (failure: AttemptFailure, error?: Error) => {
        finish(error === undefined ? { ok: false, failure } : { ok: false, failure, error });
        request.destroy();
      };

      timers.push(setTimeout(() => timeOut("timeout"), firstByteMs));
      request.once("socket", (socket) => {
        const connecting = (socket as { connecting?: boolean }).connecting === true;
        if (!connecting) {
          connected = true;
          return;
        }
        const connectTimer = setTimeout(() => timeOut("connect_timeout"), connectMs);
        timers.push(connectTimer);
        socket.once(http1.protocol === "https:" ? "secureConnect" : "connect", () => {
          connected = true;
          clearTimeout(connectTimer);
        });
      });
      request.setTimeout(firstByteMs, () => {
        timedOut ??= "timeout";
        request.destroy();
      });
      request.on("error", (error: Error & { code?: string }) => {
        if (settled) return;
        if (timedOut !== undefined) fail(timedOut);
        else if (!connected || (error.code !== undefined && UNREACHABLE.has(error.code)))
          fail("connect_error", error);
        // A keep-alive socket the server closed just as it was reused: the request was not seen.
        else if (request.reusedSocket && error.code === "ECONNRESET") fail("connect_error", error);
        else fail("reset", error);
      });
      let response: IncomingMessage | undefined;
      request.once("response", (incoming: IncomingMessage) => {
        response = incoming;
        if (settled) {
          incoming.destroy();
          return;
        }
        finish({ ok: true, status: incoming.statusCode ?? 502, response: incoming });
      });
      spec.body.sendTo(request);
      return {
        result,
        abort() {
          if (!settled) finish({ ok: false, failure: "reset" });
          // A response relayed in full leaves its keep-alive socket to the agent.
          if (response?.complete !== true) request.destroy();
        },
      };
    },
  };
}

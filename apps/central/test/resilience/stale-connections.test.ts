import { createServer, type Server, type Socket } from "node:net";
import { listen } from "@gateway/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CentralUnderTest } from "../support/harness.ts";
import { call, firstTargetBreaker, startResilientCentral } from "./support.ts";

/**
 * A service that answers the first request on each connection (keep-alive) and closes the
 * connection when a second one arrives on it, unanswered: what a client sees when a service's
 * idle timeout closes a pooled connection just as the client reuses it.
 */
interface ClosingService {
  url: string;
  answered: () => number;
  closedUnanswered: () => number;
  close(): Promise<void>;
}

async function closingService(): Promise<ClosingService> {
  let answered = 0;
  let closedUnanswered = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    let requests = 0;
    let buffered = "";
    socket.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("latin1");
      while (buffered.includes("\r\n\r\n")) {
        buffered = buffered.slice(buffered.indexOf("\r\n\r\n") + 4);
        requests++;
        if (requests > 1) {
          closedUnanswered++;
          socket.destroy();
          return;
        }
        answered++;
        const body = JSON.stringify({ ok: true });
        socket.write(
          `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: keep-alive\r\n\r\n${body}`,
        );
      }
    });
    socket.on("error", () => {});
  });
  const { url } = await listen(server);
  return {
    url,
    answered: () => answered,
    closedUnanswered: () => closedUnanswered,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

let service: ClosingService;
let central: CentralUnderTest;
const BURST = 6;

beforeAll(async () => {
  service = await closingService();
  central = await startResilientCentral(`
  - name: stale
    path: /stale
    methods: [GET, POST]
    auth: any
    upstream: { urls: [${service.url}], outlierDetection: { enabled: false } }
    circuitBreaker: { consecutiveFailures: 3, openMs: 30000 }
`);
});

afterAll(async () => {
  await central?.close();
  await service?.close();
});

async function burst(method = "GET"): Promise<number[]> {
  const answers = await Promise.all(
    Array.from({ length: BURST }, () =>
      call(central, "/stale/x", { method, ...(method === "POST" ? { body: "{}" } : {}) }),
    ),
  );
  return answers.map((answer) => answer.status);
}

describe("keep-alive connections the service closed", () => {
  it("a burst that reuses only closed connections is answered in full, and the breaker stays closed", async () => {
    expect(await burst()).toEqual(Array(BURST).fill(200));
    expect(service.answered()).toBe(BURST);

    // Every pooled connection is now one the service will close on reuse.
    expect(await burst()).toEqual(Array(BURST).fill(200));
    expect(service.closedUnanswered()).toBeGreaterThanOrEqual(1);
    expect(service.answered()).toBe(2 * BURST);

    expect(await firstTargetBreaker(central, "stale")).toMatchObject({
      state: "closed",
      consecutiveFailures: 0,
    });
    expect(central.logs.filter((line) => line.msg === "circuit breaker opened")).toHaveLength(0);
  });

  it("a request that may not be resent (POST) gets 502, and still costs the service no breaker failure", async () => {
    // Pooled connections from the last burst: the next POSTs reuse them and are closed unanswered.
    const statuses = await burst("POST");
    expect(statuses.filter((status) => status === 502).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((status) => status === 200 || status === 502)).toBe(true);
    expect((await firstTargetBreaker(central, "stale"))?.state).toBe("closed");
    expect(await burst()).toEqual(Array(BURST).fill(200));
  });
});

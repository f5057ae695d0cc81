import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MiniApp, startMiniApp } from "../../../test/support/mini-app.ts";
import { rawRequest } from "../../../test/support/raw-http.ts";
import { gatewayContext } from "../../context.ts";
import { createRequestLog } from "./index.ts";

const lines: Array<Record<string, unknown>> = [];
const logger = pino(
  { level: "info" },
  new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString()));
      callback();
    },
  }),
);

let app: MiniApp;
beforeAll(async () => {
  app = await startMiniApp([createRequestLog(logger)], (req, res) => {
    if (req.url.startsWith("/hang")) {
      res.write("partial");
      return;
    }
    const context = gatewayContext(res);
    context.upstream = "http://svc:1";
    req.url = "/rewritten/elsewhere";
    res.status(201).send("ok");
  });
});
afterAll(() => app.close());

const waitForLine = async (requestId: string) => {
  for (let i = 0; i < 100; i++) {
    const line = lines.find((l) => l.requestId === requestId);
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no log line for ${requestId}`);
};

describe("request log", () => {
  it("logs one line with the received path and the query's credential values redacted", async () => {
    await fetch(`${app.url}/items/1?api_key=secret&page=2`, { headers: { "x-request-id": "log-a" } });
    const line = await waitForLine("log-a");
    expect(line).toMatchObject({
      msg: "request",
      method: "GET",
      path: "/items/1?api_key=[REDACTED]&page=2",
      status: 201,
      upstream: "http://svc:1",
    });
    expect(JSON.stringify(lines)).not.toContain("secret");
    expect(lines.filter((l) => l.requestId === "log-a")).toHaveLength(1);
  });

  it("logs aborted responses too", async () => {
    await rawRequest(app.port, "GET /hang HTTP/1.1\r\nHost: x\r\nx-request-id: log-b\r\n\r\n", 200);
    expect(await waitForLine("log-b")).toMatchObject({ path: "/hang", aborted: true });
  });
});

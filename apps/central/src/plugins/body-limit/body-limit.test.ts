import type { RequestHandler } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MiniApp, startMiniApp } from "../../../test/support/mini-app.ts";
import { rawRequest, statusLine } from "../../../test/support/raw-http.ts";
import { route } from "../../../test/support/routes.ts";
import { gatewayContext } from "../../context.ts";
import { createBodyLimit } from "./index.ts";

const withRoute: RequestHandler = (_req, res, next) => {
  gatewayContext(res).route = route({ name: "r", path: "/", methods: ["POST"], maxBodyBytes: 10 });
  next();
};

let app: MiniApp;
let bodiesRead = 0;
beforeAll(async () => {
  app = await startMiniApp([withRoute, createBodyLimit()], (req, res) => {
    bodiesRead++;
    req.resume();
    req.on("end", () => res.send("read"));
  });
});
afterAll(() => app.close());

const post = (headers: string, body: string) =>
  rawRequest(app.port, `POST / HTTP/1.1\r\nHost: x\r\n${headers}\r\n${body}`);

describe("body limit", () => {
  it("413 with Connection: close for a declared length over the limit, body unread", async () => {
    const before = bodiesRead;
    const response = await post("Content-Length: 11\r\n", "x".repeat(11));
    expect(statusLine(response)).toBe("HTTP/1.1 413 Payload Too Large");
    expect(response).toMatch(/\r\nconnection: close\r\n/i);
    expect(bodiesRead).toBe(before);
  });

  it("passes a declared length at the limit", async () => {
    expect(statusLine(await post("Content-Length: 10\r\nConnection: close\r\n", "x".repeat(10)))).toBe(
      "HTTP/1.1 200 OK",
    );
  });

  it("leaves chunked bodies to the proxy's streaming count", async () => {
    const response = await post(
      "Transfer-Encoding: chunked\r\nConnection: close\r\n",
      "3\r\nabc\r\n0\r\n\r\n",
    );
    expect(statusLine(response)).toBe("HTTP/1.1 200 OK");
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MiniApp, startMiniApp, TEST_LIMITS } from "../../../test/support/mini-app.ts";
import { rawRequest, statusLine } from "../../../test/support/raw-http.ts";
import { createRequestGuard } from "./index.ts";

let app: MiniApp;
beforeAll(async () => {
  app = await startMiniApp([createRequestGuard(TEST_LIMITS)], (_req, res) => {
    res.send("passed");
  });
});
afterAll(() => app.close());

const get = (target: string, headers = "") =>
  rawRequest(app.port, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${headers}\r\n`);

describe("request guard", () => {
  it("lets origin-form targets through", async () => {
    expect(statusLine(await get("/a/b?c=d"))).toBe("HTTP/1.1 200 OK");
  });

  it("rejects absolute-form, authority-like and asterisk targets with 400", async () => {
    for (const target of ["http://evil.example/", "https://evil.example:8443/x", "*"]) {
      const response = await get(target);
      expect(statusLine(response), target).toBe("HTTP/1.1 400 Bad Request");
      expect(response).toContain('"code":"bad_request"');
    }
  });

  it("rejects targets over maxUrlLength with 414", async () => {
    expect(statusLine(await get(`/${"a".repeat(TEST_LIMITS.maxUrlLength)}`))).toBe(
      "HTTP/1.1 414 URI Too Long",
    );
    expect(statusLine(await get(`/${"a".repeat(TEST_LIMITS.maxUrlLength - 1)}`))).toBe("HTTP/1.1 200 OK");
  });

  it("answers 431 above maxHeaderCount and passes at the limit", async () => {
    // Host and Connection count too.
    const headers = (n: number) => Array.from({ length: n }, (_, i) => `X-${i}: v\r\n`).join("");
    expect(statusLine(await get("/", headers(TEST_LIMITS.maxHeaderCount - 2)))).toBe("HTTP/1.1 200 OK");
    const over = await get("/", headers(TEST_LIMITS.maxHeaderCount - 1));
    expect(statusLine(over)).toBe("HTTP/1.1 431 Request Header Fields Too Large");
  });

  it("refuses framing a proxy could re-interpret: codings other than chunked, TE on HTTP/1.0, duplicate Host", async () => {
    const post = (head: string) => rawRequest(app.port, `${head}\r\n3\r\nabc\r\n0\r\n\r\n`);
    for (const head of [
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n",
      "POST / HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n",
      "POST / HTTP/1.1\r\nHost: x\r\nHost: y\r\nTransfer-Encoding: chunked\r\n",
      "POST / HTTP/1.1\r\nHost: x/y\r\nTransfer-Encoding: chunked\r\n",
    ]) {
      const response = await post(head);
      expect(statusLine(response), head).toBe("HTTP/1.1 400 Bad Request");
      expect(response).toMatch(/\r\nconnection: close\r\n/i);
    }
    expect(
      statusLine(
        await post("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked \r\nConnection: close\r\n"),
      ),
    ).toBe("HTTP/1.1 200 OK");
  });
});

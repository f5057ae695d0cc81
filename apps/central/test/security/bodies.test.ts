import { afterEach, describe, expect, it } from "vitest";
import type { SecureCentral } from "./support/central.ts";
import { errorCode, sendRaw } from "./support/raw.ts";
import { useSecureCentralWithUpstream } from "./support/secure-central-with-upstream.ts";
import { attack, expectStillServing, signedHead } from "./support/suite.ts";
import type { WatchedUpstream } from "./support/upstream.ts";

let upstream: WatchedUpstream;
let central: SecureCentral;

useSecureCentralWithUpstream((started) => {
  ({ upstream, central } = started);
});
afterEach(() => expectStillServing(central));

const chunked = (body: Buffer, size: number): Buffer => {
  const parts: Buffer[] = [];
  for (let at = 0; at < body.length; at += size) {
    const piece = body.subarray(at, at + size);
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n"));
  }
  parts.push(Buffer.from("0\r\n\r\n"));
  return Buffer.concat(parts);
};

describe("per-route body limit (small: 16 bytes)", () => {
  it("declared Content-Length over the limit → 413 before anything is forwarded", async () => {
    const head = await signedHead(central, "POST", "/api/small/x", "Content-Length: 17\r\n");
    const response = await attack(central, upstream, `${head}\r\n${"x".repeat(17)}`);
    expect(response.status).toBe(413);
    expect(errorCode(response)).toBe("payload_too_large");
    expect(response.headers.connection).toBe("close");
  });

  it("a huge declared length with no body sent is refused at once (no waiting for the bytes)", async () => {
    const head = await signedHead(central, "POST", "/api/small/x", "Content-Length: 10000000000\r\n");
    const started = Date.now();
    const response = await attack(central, upstream, `${head}\r\n`, { timeoutMs: 2000 });
    expect(response.status).toBe(413);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("chunked body growing past the limit → 413; the upstream never receives a complete request", async () => {
    const completeBefore = upstream.requests.length;
    const head = await signedHead(central, "POST", "/api/small/x", "Transfer-Encoding: chunked\r\n");
    const response = await sendRaw(
      central.port,
      [`${head}\r\n`, "8\r\n12345678\r\n", "8\r\n12345678\r\n", "8\r\n12345678\r\n0\r\n\r\n"],
      {
        pauseMs: 50,
      },
    );
    expect(response.status).toBe(413);
    expect(errorCode(response)).toBe("payload_too_large");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(upstream.requests.length).toBe(completeBefore);
  });

  it("exactly at the limit passes, chunked or not", async () => {
    for (const framing of ["length", "chunked"] as const) {
      const body = Buffer.from("0123456789abcdef");
      const extra = framing === "length" ? "Content-Length: 16\r\n" : "Transfer-Encoding: chunked\r\n";
      const head = await signedHead(central, "POST", "/api/small/x", `${extra}Connection: close\r\n`);
      const payload = framing === "length" ? body : chunked(body, 5);
      const response = await sendRaw(central.port, Buffer.concat([Buffer.from(`${head}\r\n`), payload]));
      expect(response.status, framing).toBe(200);
      expect(upstream.requests.at(-1)?.body.equals(body), framing).toBe(true);
    }
  });
});

describe("bodies are streamed byte for byte, never parsed", () => {
  const samples: Array<[string, string, Buffer]> = [
    ["invalid JSON", "application/json", Buffer.from('{"a": [1, 2,, "unterminated')],
    [
      "JSON with duplicate keys and a BOM",
      "application/json",
      Buffer.from('\ufeff{"role":"user","role":"admin"}'),
    ],
    ["every byte value", "application/octet-stream", Buffer.from(Array.from({ length: 256 }, (_, i) => i))],
    ["urlencoded with odd escapes", "application/x-www-form-urlencoded", Buffer.from("a=%zz&b=%00&c=\r\n")],
    [
      "text that looks like HTTP",
      "text/plain",
      Buffer.from("0\r\n\r\nGET /admin HTTP/1.1\r\nHost: x\r\n\r\n"),
    ],
  ];
  for (const [name, type, body] of samples) {
    for (const framing of ["length", "chunked"] as const) {
      it(`${name} (${framing}) arrives unchanged`, async () => {
        const extra =
          framing === "length" ? `Content-Length: ${body.length}\r\n` : "Transfer-Encoding: chunked\r\n";
        const head = await signedHead(
          central,
          "POST",
          "/api/files/upload",
          `Content-Type: ${type}\r\n${extra}Connection: close\r\n`,
        );
        const payload = framing === "length" ? body : chunked(body, 7);
        const response = await sendRaw(central.port, Buffer.concat([Buffer.from(`${head}\r\n`), payload]));
        expect(response.status).toBe(200);
        const received = upstream.requests.at(-1);
        expect(received?.body.equals(body)).toBe(true);
        expect(received?.headers["content-type"]).toBe(type);
      });
    }
  }
});

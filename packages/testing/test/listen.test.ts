import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { closeServer, listen } from "../src/index.ts";

describe("listen and closeServer", () => {
  it("serve on the returned url and close even with a kept-alive connection open", async () => {
    const server = createServer((_req, res) => res.end("hello"));
    const { port, url } = await listen(server);
    expect(url).toBe(`http://127.0.0.1:${port}`);
    const response = await fetch(url, { headers: { connection: "keep-alive" } });
    expect(await response.text()).toBe("hello");
    await closeServer(server);
    expect(server.listening).toBe(false);
    await expect(fetch(url)).rejects.toThrow();
  });

  it("listen rejects when the server cannot bind", async () => {
    await expect(listen(createServer(), "203.0.113.1")).rejects.toThrow(/EADDRNOTAVAIL/);
  });
});

import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startDemoUsers } from "./harness.ts";

function refusal(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on("open", () => reject(new Error("accepted")));
    ws.on("error", () => {});
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
  });
}

describe("WebSocket echo", () => {
  it("welcomes with the verified identity, then echoes", async () => {
    const harness = await startDemoUsers(["ws"]);
    try {
      const target = "/ws/echo?room=1";
      const token = await harness.identityFor("GET", target, { sub: "carol" }, "ws");
      const ws = new WebSocket(harness.baseUrl.replace("http:", "ws:") + target, ["other", "echo.v1"], {
        headers: { "x-gateway-identity": token },
      });
      const messages: string[] = [];
      const done = new Promise<void>((resolve) => {
        ws.on("message", (data) => {
          messages.push(data.toString());
          if (messages.length === 1) ws.send("ping-1");
          else ws.close(1000);
        });
        ws.on("close", () => resolve());
      });
      await done;
      expect(JSON.parse(messages[0] as string)).toMatchObject({
        type: "welcome",
        sub: "carol",
        aud: "ws",
        iss: "central",
        path: target,
        protocol: "echo.v1",
      });
      expect(ws.protocol).toBe("echo.v1");
      expect(messages[1]).toBe("ping-1");
    } finally {
      await harness.close();
    }
  });

  it("refuses a handshake whose token is missing or bound to another target (401 JSON), and other paths (404)", async () => {
    const harness = await startDemoUsers(["ws"]);
    try {
      const base = harness.baseUrl.replace("http:", "ws:");
      const missing = await refusal(`${base}/ws/echo`, {});
      expect(missing.status).toBe(401);
      expect(JSON.parse(missing.body).error.code).toBe("invalid_identity");
      const other = await refusal(`${base}/ws/echo`, {
        "x-gateway-identity": await harness.identityFor("GET", "/ws/elsewhere", {}, "ws"),
      });
      expect(other.status).toBe(401);
      expect((await refusal(`${base}/ws/nope`, {})).status).toBe(404);
    } finally {
      await harness.close();
    }
  });
});

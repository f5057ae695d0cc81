// WebSocket pass-through through real processes: client → edge (wrangler dev, workerd) → central
// (Node) → demo-users' echo, which verifies central's identity token on the handshake.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { RunningStack } from "../../../scripts/stack.ts";
import { mintToken, startTestStack } from "./support.ts";

let stack: RunningStack;
let output: string[];
let edgeWs: string;

beforeAll(async () => {
  ({ stack, output } = await startTestStack());
  edgeWs = stack.urls.edge.replace("http:", "ws:");
});

afterAll(async () => {
  await stack?.stop();
});

function refusal(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on("open", () => {
      ws.terminate();
      reject(new Error("the handshake was accepted"));
    });
    ws.on("error", () => {});
    ws.on("unexpected-response", (req, res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, body });
        req.destroy();
      });
    });
  });
}

describe("WebSocket edge → central → service", () => {
  it("echoes through both tiers, with the identity verified by the service on the handshake", async () => {
    const token = await mintToken(stack, { sub: "alice", roles: ["user"] });
    const ws = new WebSocket(`${edgeWs}/api/ws/echo?room=e2e`, ["echo.v1", "other.v0"], {
      headers: { authorization: `Bearer ${token}`, "x-request-id": "e2e-ws-1" },
    });
    const messages: string[] = [];
    const closed = new Promise<{ code: number; reason: string }>((resolve, reject) => {
      ws.on("error", reject);
      ws.on("message", (data) => {
        messages.push(data.toString());
        if (messages.length === 1) ws.send("hello through the gateway");
        else if (messages.length === 2) ws.send(Buffer.from([1, 2, 3]));
        else ws.close(1000, "done");
      });
      ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    expect(await closed).toEqual({ code: 1000, reason: "done" });
    expect(JSON.parse(messages[0] as string)).toEqual({
      type: "welcome",
      sub: "alice",
      roles: ["user"],
      aud: "ws",
      iss: "central",
      path: "/ws/echo?room=e2e",
      protocol: "echo.v1",
    });
    expect(ws.protocol).toBe("echo.v1");
    expect(messages[1]).toBe("hello through the gateway");
    expect(messages[2]).toBe("\u0001\u0002\u0003");
    // One request id across the tiers: the edge's access log, central's close line, the service's.
    await expect
      .poll(() => output.filter((line) => line.includes("e2e-ws-1")).map((line) => line.split(":")[0]))
      .toEqual(expect.arrayContaining(["central", "edge", "users"]));
  });

  it("refuses a handshake on a route without websocket (501) and one without credentials (401)", async () => {
    const token = await mintToken(stack, { sub: "alice", roles: ["admin"], scopes: ["users:read"] });
    const plain = await refusal(`${edgeWs}/api/users/me`, { authorization: `Bearer ${token}` });
    expect(plain.status).toBe(501);
    expect(JSON.parse(plain.body).error.code).toBe("not_implemented");
    const anonymous = await refusal(`${edgeWs}/api/ws/echo`);
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.body).error.code).toBe("unauthorized");
  });

  it("central refuses a handshake that did not come through the edge (no identity token)", async () => {
    const direct = await refusal(`${stack.urls.central.replace("http:", "ws:")}/api/ws/echo`);
    expect(direct.status).toBe(401);
    expect(JSON.parse(direct.body).error.code).toBe("unauthorized");
  });
});

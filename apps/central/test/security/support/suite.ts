import { IDENTITY_HEADER } from "@gateway/types";
import { expect } from "vitest";
import type { SecureCentral } from "./central.ts";
import { type RawOptions, type RawResponse, sendRaw } from "./raw.ts";
import type { WatchedUpstream } from "./upstream.ts";

/** A request head with a valid edge token for this method + target, so only the attack can stop it. */
export async function signedHead(
  central: SecureCentral,
  method: string,
  target: string,
  extraHeaders = "",
  version = "HTTP/1.1",
): Promise<string> {
  const token = await central.mint(method, target);
  return `${method} ${target} ${version}\r\nHost: central.internal\r\n${IDENTITY_HEADER}: ${token}\r\n${extraHeaders}`;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

/**
 * Runs an attack and returns central's answer, asserting that not even the
 * head of a request reached the upstream.
 */
export async function attack(
  central: SecureCentral,
  upstream: WatchedUpstream,
  payload: string | Buffer | Array<string | Buffer>,
  options?: RawOptions,
): Promise<RawResponse> {
  const before = upstream.started.length;
  const response = await sendRaw(central.port, payload, options);
  await settle();
  expect(upstream.started.slice(before), "the upstream saw a request").toEqual([]);
  return response;
}

/** The process still serves: a normal signed request goes through end to end. */
export async function expectStillServing(central: SecureCentral): Promise<void> {
  const target = "/api/public/alive";
  const response = await sendRaw(
    central.port,
    `${await signedHead(central, "GET", target, "Connection: close\r\n")}\r\n`,
  );
  expect(response.statusLine).toBe("HTTP/1.1 200 OK");
}

/** The gateway's own JSON 400 on a connection it closed. */
export function expectClosed400(response: RawResponse, label?: string): void {
  expect(response.statusLine, label).toBe("HTTP/1.1 400 Bad Request");
  expect(response.headers.connection, label).toBe("close");
  expect(response.closedByServer, label).toBe(true);
  expect(response.headers["content-type"], label).toBe("application/json; charset=utf-8");
  expect(JSON.parse(response.body), label).toMatchObject({ error: { code: expect.any(String) } });
}

import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createIdentitySigner, generateIdentityKeyPair, type IdentitySigner } from "@gateway/identity";
import type { Identity } from "@gateway/types";
import { createDemoUsersServer, type LogEntry } from "../src/app.ts";
import { createAudienceVerifier } from "../src/audience-verifier.ts";

export interface Harness {
  baseUrl: string;
  logs: LogEntry[];
  /** Signs as central would for `audience`, bound to exactly this method and target. */
  identityFor(
    method: string,
    pathAndQuery: string,
    identity?: Partial<Identity>,
    audience?: string,
  ): Promise<string>;
  /** fetch with a valid identity for the same method + target. */
  call(pathAndQuery: string, init?: RequestInit & { identity?: Partial<Identity> }): Promise<Response>;
  signerWith(options: { issuer?: string; ttlSeconds?: number; now?: () => number }): Promise<IdentitySigner>;
  close(): Promise<void>;
}

export const ALICE: Identity = { sub: "alice", roles: ["user"], scopes: ["users:read"], auth: "jwt" };

export async function startDemoUsers(audiences: string[] = ["users"]): Promise<Harness> {
  const central = await generateIdentityKeyPair("central-test-1");
  const verifier = await createAudienceVerifier({ publicKeys: { keys: [central.publicJwk] }, audiences });
  const logs: LogEntry[] = [];
  const server = createDemoUsersServer({ verifier, logger: (entry) => logs.push(entry) });
  const baseUrl = await listen(server);
  const signerWith: Harness["signerWith"] = (options) =>
    createIdentitySigner({
      privateJwk: central.privateJwk,
      issuer: options.issuer ?? "central",
      ttlSeconds: options.ttlSeconds ?? 30,
      ...(options.now ? { now: options.now } : {}),
    });
  const signer = await signerWith({});
  const identityFor: Harness["identityFor"] = (method, pathAndQuery, identity = {}, audience = "users") =>
    signer.sign({ identity: { ...ALICE, ...identity }, audience, method, pathAndQuery });
  return {
    baseUrl,
    logs,
    identityFor,
    signerWith,
    async call(pathAndQuery, init = {}) {
      const { identity, ...rest } = init;
      const method = rest.method ?? "GET";
      const headers = new Headers(rest.headers);
      headers.set("x-gateway-identity", await identityFor(method, pathAndQuery, identity));
      return fetch(`${baseUrl}${pathAndQuery}`, { ...rest, method, headers });
    },
    close: () => closeServer(server),
  };
}

export function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

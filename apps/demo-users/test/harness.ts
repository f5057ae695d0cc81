import { createIdentitySigner, generateIdentityKeyPair, type IdentitySigner } from "@gateway/identity";
import { closeServer, listen } from "@gateway/testing";
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
  const { url: baseUrl } = await listen(server);
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

import type { Server } from "node:http";
import { generateHopSecret, generateIdentityKeyPair } from "@gateway/identity";
import { freePort } from "@gateway/testing";
import type { TestProject } from "vitest/node";
import type { IssuerKeyName } from "../shared/provided-context.ts";
import "../shared/provided-context.ts";
import { startCentralServer } from "./central-server.ts";
import { generateIssuerKeys } from "./issuer-keys.ts";
import { originOf, startJwksServer } from "./jwks-server.ts";
import { startProgrammableOrigin } from "./programmable-origin.ts";

/** A port that was free a moment ago and has nothing listening on it now. */
async function closedPortOrigin(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [issuerKeys, edgeIdentity] = await Promise.all([
    generateIssuerKeys(),
    generateIdentityKeyPair("edge-test"),
  ]);
  const jwks = await startJwksServer(issuerKeys);
  const edgeCentralKeys = { keys: [generateHopSecret("edge-hop-test")] };
  const central = await startCentralServer(edgeIdentity.publicJwk, edgeCentralKeys);
  const origin = await startProgrammableOrigin();
  const privateKeys = Object.fromEntries(
    Object.entries(issuerKeys).map(([name, key]) => [name, key.privateJwk]),
  ) as Record<IssuerKeyName, (typeof issuerKeys)[IssuerKeyName]["privateJwk"]>;
  project.provide("servers", {
    jwksOrigin: originOf(jwks),
    centralOrigin: originOf(central),
    deadOrigin: await closedPortOrigin(),
    programmableOrigin: originOf(origin),
    issuerKeys: privateKeys,
    edgeIdentityPrivateJwk: edgeIdentity.privateJwk,
    edgeCentralKeys,
  });
  return async () => {
    await Promise.all([close(jwks), close(central), close(origin)]);
  };
}

// The dev stack's API key setup: the admin credential and key pepper for
// central (generated once into the state folder), and a demo consumer with a
// fresh key, created through the admin API once central is up.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface ConsumerSecrets {
  /** CENTRAL_ADMIN_TOKEN for central and `./gw keys`. */
  adminToken: string;
  /** API_KEY_PEPPER: keys stored in Redis stay valid across restarts of the dev stack. */
  pepper: string;
}

export const CONSUMER_SECRETS_FILE = "consumer-secrets.json";

export function loadOrCreateConsumerSecrets(stateDir: string): ConsumerSecrets {
  const file = join(stateDir, CONSUMER_SECRETS_FILE);
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as ConsumerSecrets;
  const secrets: ConsumerSecrets = {
    adminToken: randomBytes(32).toString("base64url"),
    pepper: randomBytes(32).toString("base64url"),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

export const DEMO_CONSUMER = {
  id: "demo",
  name: "Demo consumer (created by the dev stack)",
  roles: ["partner"],
  scopes: ["users:read"],
};

/** Creates the demo consumer unless it exists, and returns a new key for it (shown once). */
export async function createDemoKey(adminUrl: string, adminToken: string): Promise<string> {
  const call = (path: string, body: unknown) =>
    fetch(`${adminUrl}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  // Central answers 503 until its Redis connection is up (it connects in the background).
  let consumer = await call("/v1/consumers", DEMO_CONSUMER);
  for (let attempt = 0; attempt < 100 && consumer.status === 503; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    consumer = await call("/v1/consumers", DEMO_CONSUMER);
  }
  if (consumer.status !== 201 && consumer.status !== 409) {
    throw new Error(`creating the demo consumer failed: ${consumer.status} ${await consumer.text()}`);
  }
  const key = await call(`/v1/consumers/${DEMO_CONSUMER.id}/keys`, {});
  if (key.status !== 201) throw new Error(`creating the demo key failed: ${key.status} ${await key.text()}`);
  return ((await key.json()) as { key: string }).key;
}

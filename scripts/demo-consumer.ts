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

/** A second consumer on the config's `partner-trial` plan (5 requests a minute), to see a 429 in the first requests. */
export const TRIAL_CONSUMER = {
  id: "trial",
  name: "Trial consumer (created by the dev stack; partner-trial plan)",
  roles: ["partner"],
  scopes: ["users:read"],
  rateLimit: ["partner-trial"],
};

/**
 * A fresh key of the trial consumer, or undefined when the config has no `partner-trial` policy
 * (central refuses the consumer with 400) or an older trial consumer exists without that plan.
 */
export async function createTrialKey(adminUrl: string, adminToken: string): Promise<string | undefined> {
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${adminUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const consumer = await call("POST", "/v1/consumers", TRIAL_CONSUMER);
  if (consumer.status === 400) return undefined;
  if (consumer.status === 409) {
    const existing = await call("GET", `/v1/consumers/${TRIAL_CONSUMER.id}`);
    const { rateLimit = [] } = (await existing.json()) as { rateLimit?: string[] };
    if (!rateLimit.includes("partner-trial")) return undefined;
  } else if (consumer.status !== 201) {
    throw new Error(`creating the trial consumer failed: ${consumer.status} ${await consumer.text()}`);
  }
  const key = await call("POST", `/v1/consumers/${TRIAL_CONSUMER.id}/keys`, {});
  if (key.status !== 201) throw new Error(`creating the trial key failed: ${key.status} ${await key.text()}`);
  return ((await key.json()) as { key: string }).key;
}

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

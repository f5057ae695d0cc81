import { createHmac, randomBytes } from "node:crypto";

/** `gw_live_` / `gw_test_` + 32 random bytes in base64url (43 characters): recognisable by secret scanners. */
export const KEY_PATTERN = /^gw_(live|test)_[A-Za-z0-9_-]{43}$/;
export type KeyEnvironment = "live" | "test";

/** Characters of the key kept (and shown) for humans: the environment tag plus 4 random characters. */
const VISIBLE_PREFIX_LENGTH = 12;

export interface NewKeyMaterial {
  plaintext: string;
  prefix: string;
}

export function generateKey(environment: KeyEnvironment): NewKeyMaterial {
  const plaintext = `gw_${environment}_${randomBytes(32).toString("base64url")}`;
  return { plaintext, prefix: plaintext.slice(0, VISIBLE_PREFIX_LENGTH) };
}

export function isWellFormedKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

/**
 * The stored form: HMAC-SHA256 with a server pepper, so a copy of the store
 * alone cannot be used to test guesses offline. Lookups go by this hash (no
 * comparison of secrets at all), which is why no constant-time compare is needed here.
 */
export function hashKey(pepper: Buffer, plaintext: string): string {
  return createHmac("sha256", pepper).update(plaintext, "utf8").digest("base64url");
}

export function newId(tag: "key" | "con"): string {
  return `${tag}_${randomBytes(12).toString("base64url")}`;
}

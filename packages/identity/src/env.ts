import { assertPrivateJwk, assertPublicJwk, type IdentityPrivateJwk } from "./keys.ts";
import { assertHopSecretSet, type HopSecretJwk } from "./secret-keys.ts";

function parseJsonEnv(value: string | undefined, name: string, expected: string): unknown {
  if (value === undefined || value.trim() === "") {
    throw new Error(`${name} is not set: expected ${expected}`);
  }
  try {
    return JSON.parse(value);
  } catch (error) {
    // The parser's message can quote the input; never echo key material.
    throw new Error(`${name} is not valid JSON: expected ${expected} (${(error as Error).name})`);
  }
}

/** Parses a JWKS (`{"keys":[...]}`) or a single public JWK from an env var. Errors name the variable. */
export function parseJwksEnv(value: string | undefined, name: string): { keys: JsonWebKey[] } {
  const expected = 'a JWKS ({"keys":[...]}) or one JWK of Ed25519 public keys';
  const parsed = parseJsonEnv(value, name, expected);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${name} must be ${expected}`);
  }
  const keys = "keys" in parsed ? (parsed as { keys: unknown }).keys : [parsed];
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new Error(`${name}: "keys" must be a non-empty array`);
  }
  const kids = new Set<string>();
  keys.forEach((key: unknown, index) => {
    assertPublicJwk(key, `${name} keys[${index}]`);
    if (kids.has(key.kid)) throw new Error(`${name}: duplicate kid "${key.kid}"`);
    kids.add(key.kid);
  });
  return { keys };
}

/** Parses one Ed25519 private JWK (with kid) from an env var. Errors name the variable, never the key. */
export function parsePrivateJwkEnv(value: string | undefined, name: string): IdentityPrivateJwk {
  const parsed = parseJsonEnv(value, name, "an Ed25519 private JWK with kid");
  assertPrivateJwk(parsed, name);
  return parsed;
}

/**
 * Parses the HS256 keys shared by the edge and central (`EDGE_CENTRAL_KEYS`): a JWK set of
 * `oct` keys of at least 256 bits, each with a kid. The first key signs; all of them verify.
 * Errors name the variable and never quote key material.
 */
export function parseHopKeysEnv(value: string | undefined, name: string): { keys: HopSecretJwk[] } {
  const expected = 'a JWK set ({"keys":[...]}) of "oct" HS256 keys of at least 256 bits, each with a kid';
  const parsed = parseJsonEnv(value, name, expected);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${name} must be ${expected}`);
  }
  const set = "keys" in parsed ? parsed : { keys: [parsed] };
  assertHopSecretSet(set, name);
  return set;
}

import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
} from "jose";

export const SIGNING_ALG = "ES256";

/** On-disk shape of the key file. The first key signs; every key is published in the JWKS. */
export interface IssuerKeyFile {
  version: 1;
  keys: Array<{ kid: string; alg: typeof SIGNING_ALG; createdAt: string; privateJwk: JWK }>;
}

export interface IssuerKeys {
  signing: { kid: string; privateKey: CryptoKey };
  publicJwks: JWK[];
}

/**
 * Reads the key file, or creates it (mode 0600, parent directories included)
 * with one fresh ES256 key when it does not exist yet. Creation uses an
 * exclusive open, so two processes starting at once end up with the same key.
 */
export async function loadOrCreateIssuerKeys(file: string): Promise<IssuerKeys> {
  const existing = await readKeyFile(file);
  if (existing !== null) return importKeyFile(existing, file);
  const created = await newKeyFile();
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  try {
    await writeFile(file, `${JSON.stringify(created, null, 2)}\n`, { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const winner = await readKeyFile(file);
    if (winner === null) throw new Error(`${file}: vanished while being created`);
    return importKeyFile(winner, file);
  }
  return importKeyFile(created, file);
}

async function readKeyFile(file: string): Promise<IssuerKeyFile | null> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  const parsed: unknown = JSON.parse(text);
  assertKeyFile(parsed, file);
  return parsed;
}

async function newKeyFile(): Promise<IssuerKeyFile> {
  const { privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicPartOf(privateJwk));
  return {
    version: 1,
    keys: [{ kid, alg: SIGNING_ALG, createdAt: new Date().toISOString(), privateJwk }],
  };
}

async function importKeyFile(keyFile: IssuerKeyFile, file: string): Promise<IssuerKeys> {
  const [first] = keyFile.keys;
  if (first === undefined) throw new Error(`${file}: "keys" is empty`);
  const privateKey = await importJWK(first.privateJwk, SIGNING_ALG);
  if (privateKey instanceof Uint8Array) throw new Error(`${file}: key "${first.kid}" is not an EC key`);
  return {
    signing: { kid: first.kid, privateKey },
    publicJwks: keyFile.keys.map((key) => ({
      ...publicPartOf(key.privateJwk),
      kid: key.kid,
      alg: SIGNING_ALG,
      use: "sig",
    })),
  };
}

function publicPartOf(jwk: JWK): JWK {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
}

function assertKeyFile(value: unknown, file: string): asserts value is IssuerKeyFile {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new Error(`${file}: expected {"version":1,"keys":[...]} with at least one key`);
  }
  keys.forEach((key: unknown, index) => {
    const entry = key as { kid?: unknown; privateJwk?: { kty?: unknown; crv?: unknown; d?: unknown } };
    if (typeof entry?.kid !== "string" || entry.kid === "") {
      throw new Error(`${file}: keys[${index}].kid must be a non-empty string`);
    }
    const jwk = entry.privateJwk;
    if (jwk?.kty !== "EC" || jwk.crv !== "P-256" || typeof jwk.d !== "string") {
      throw new Error(`${file}: keys[${index}].privateJwk must be a private EC P-256 JWK (ES256)`);
    }
  });
}

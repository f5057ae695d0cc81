import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadOrCreateIssuerKeys } from "../src/key-file.ts";
import { tempDir } from "./harness.ts";

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(() => dir.remove());

describe("issuer key file", () => {
  it("creates the file once (mode 0600, parent dirs included) and reuses it", async () => {
    const file = join(dir.path, "nested", ".dev", "issuer-keys.json");
    const first = await loadOrCreateIssuerKeys(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const written = await readFile(file, "utf8");

    const second = await loadOrCreateIssuerKeys(file);
    expect(second.signing.kid).toBe(first.signing.kid);
    expect(second.publicJwks).toEqual(first.publicJwks);
    expect(await readFile(file, "utf8")).toBe(written);
  });

  it("agrees on one key when several processes create it at once", async () => {
    const file = join(dir.path, "keys.json");
    const results = await Promise.all([1, 2, 3, 4].map(() => loadOrCreateIssuerKeys(file)));
    expect(new Set(results.map((keys) => keys.signing.kid)).size).toBe(1);
  });

  it("names the file and the problem when the content is not a key file", async () => {
    const file = join(dir.path, "keys.json");
    await writeFile(file, JSON.stringify({ keys: [{ kid: "k1", privateJwk: { kty: "RSA" } }] }));
    await expect(loadOrCreateIssuerKeys(file)).rejects.toThrow(
      `${file}: keys[0].privateJwk must be a private EC P-256 JWK`,
    );
  });
});

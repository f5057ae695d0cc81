// bench/ is not a workspace package, so npm dependencies are borrowed from
// apps/central's node_modules (express, http-proxy-middleware, ioredis, jose).
// Once bench/package.json is installed as a workspace package this file can be
// replaced by plain imports.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const requireFromCentral = createRequire(new URL("../../apps/central/package.json", import.meta.url));

export async function importFromCentral<T>(specifier: string): Promise<T> {
  return (await import(pathToFileURL(requireFromCentral.resolve(specifier)).href)) as T;
}

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

// The edge's tests import "@gateway/config" in workerd: nothing reachable from index.ts may need Node.
const ALLOWED_PACKAGES = new Set(["@gateway/types", "yaml", "zod"]);

function importsOf(file: string): string[] {
  const source = readFileSync(file, "utf8");
  return [...source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gm)].map(
    (match) => match[1] as string,
  );
}

const sourceDir = dirname(fileURLToPath(import.meta.url));

/** Every source file reachable from `entry` (relative to src/) and the packages they import. */
function reachableFrom(entry: string): { seen: Set<string>; packages: Set<string> } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const queue = [join(sourceDir, entry)];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of importsOf(file)) {
      if (specifier.startsWith(".")) queue.push(join(dirname(file), specifier));
      else packages.add(specifier);
    }
  }
  return { seen, packages };
}

it("index.ts reaches no node: module and only isomorphic packages", () => {
  const { seen, packages } = reachableFrom("index.ts");
  expect(seen.size).toBeGreaterThan(10);
  expect([...seen].map((file) => file.slice(sourceDir.length + 1))).not.toContain("load-file.ts");
  expect([...packages].filter((name) => !ALLOWED_PACKAGES.has(name))).toEqual([]);
});

// The narrow entries the edge Worker bundles: no schema, no YAML, nothing but @gateway/types.
it.each([
  ["@gateway/config/routing", "routing/index.ts"],
  ["@gateway/config/edge-bindings", "edge-rate-limit-bindings.ts"],
])("%s reaches only @gateway/types", (_entry, file) => {
  const { seen, packages } = reachableFrom(file);
  expect(seen.size).toBeGreaterThan(0);
  expect([...packages].filter((name) => name !== "@gateway/types")).toEqual([]);
});

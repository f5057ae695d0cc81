import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

// The edge imports "@gateway/config" in workerd: nothing reachable from index.ts may need Node.
const ALLOWED_PACKAGES = new Set(["@gateway/types", "yaml", "zod"]);

function importsOf(file: string): string[] {
  const source = readFileSync(file, "utf8");
  return [...source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gm)].map(
    (match) => match[1] as string,
  );
}

it("index.ts reaches no node: module and only isomorphic packages", () => {
  const sourceDir = dirname(fileURLToPath(import.meta.url));
  const seen = new Set<string>();
  const packages = new Set<string>();
  const queue = [join(sourceDir, "index.ts")];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of importsOf(file)) {
      if (specifier.startsWith(".")) queue.push(join(dirname(file), specifier));
      else packages.add(specifier);
    }
  }
  expect(seen.size).toBeGreaterThan(10);
  expect([...seen].map((file) => file.slice(sourceDir.length + 1))).not.toContain("load-file.ts");
  expect([...packages].filter((name) => !ALLOWED_PACKAGES.has(name))).toEqual([]);
});

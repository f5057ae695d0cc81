import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { DockerfileParser } from "dockerfile-ast";
import { type Problem, problem } from "./problems.ts";

/**
 * The checks hadolint would make that matter here: pinned base images, a non-root final stage,
 * exec-form CMD, no remote ADD, frozen production installs, and COPY sources that exist
 * (build context = repository root).
 */
export function validateDockerfile(root: string, file: string): Problem[] {
  const rel = relative(root, file);
  const problems: Problem[] = [];
  const dockerfile = DockerfileParser.parse(readFileSync(file, "utf8"));
  const instructions = dockerfile.getInstructions();
  const froms = dockerfile.getFROMs();
  if (froms.length === 0) return [problem(rel, "no FROM instruction")];
  const stageNames = new Set(froms.map((from) => from.getBuildStage()).filter((name) => name !== null));
  const args = new Map<string, string>();
  for (const instruction of instructions) {
    const keyword = instruction.getKeyword();
    const line = instruction.getRange().start.line + 1;
    const at = `line ${line}`;
    const text = instruction.getArgumentsContent() ?? "";
    if (keyword === "ARG") {
      const [name, value] = text.split("=");
      if (name !== undefined && value !== undefined) args.set(name.trim(), value.trim());
    }
    if (keyword === "FROM") {
      const image = text.split(/\s+/)[0] ?? "";
      if (!stageNames.has(image) && (!image.includes(":") || image.endsWith(":latest")))
        problems.push(problem(rel, `${at}: base image ${image} must be pinned to a tag (not latest)`));
    }
    if (keyword === "ADD" && /https?:\/\//.test(text))
      problems.push(problem(rel, `${at}: ADD from a URL; download in RUN with a checksum`));
    if (
      keyword === "RUN" &&
      /\b(npm|pnpm) install\b/.test(text) &&
      !/--frozen-lockfile|\bnpm install -g\b/.test(text)
    )
      problems.push(problem(rel, `${at}: installs must use the lockfile (--frozen-lockfile)`));
    const copiesFromStage =
      "getFlags" in instruction &&
      (instruction as { getFlags(): Array<{ getName(): string }> })
        .getFlags()
        .some((flag) => flag.getName() === "from");
    if (keyword === "COPY" && !copiesFromStage) {
      const parts = text.split(/\s+/);
      for (const source of parts.slice(0, -1)) {
        const expanded = source.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => args.get(a ?? b) ?? "");
        if (!existsSync(join(root, expanded)))
          problems.push(problem(rel, `${at}: COPY source ${source} does not exist`));
      }
    }
  }
  const lastStageStart = froms.at(-1)?.getRange().start.line ?? 0;
  const finalStage = instructions.filter((i) => i.getRange().start.line >= lastStageStart);
  const user = finalStage.filter((i) => i.getKeyword() === "USER").at(-1);
  const userName = user?.getArgumentsContent()?.trim();
  if (userName === undefined || userName === "root" || userName === "0")
    problems.push(problem(rel, "the final stage must switch to a non-root USER"));
  const cmd = finalStage.filter((i) => i.getKeyword() === "CMD").at(-1);
  if (cmd === undefined) problems.push(problem(rel, "the final stage has no CMD"));
  else if (!(cmd.getArgumentsContent() ?? "").trim().startsWith("["))
    problems.push(problem(rel, "CMD must use the exec form so the process receives SIGTERM"));
  return problems;
}

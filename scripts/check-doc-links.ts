// Fails when a Markdown file names a repository path that does not exist:
// relative links `[text](path)` and backticked paths such as `apps/edge/src/app.ts`.
// Fenced code blocks, URLs, anchors and globs are ignored. Run by scripts/test.sh.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const FILE_EXTENSIONS = /\.(md|ts|js|mjs|json|jsonc|yaml|yml|sh|conf|toml|lua|proto|txt|svg|html|env)$/;

export interface BrokenLink {
  file: string;
  line: number;
  target: string;
}

/** A backticked token that is meant as a repository path, not a MIME type, URL path or command. */
function looksLikePath(token: string, topLevel: Set<string>): boolean {
  if (/[\s*<>{}$|"'`,;=]/.test(token) || token.startsWith("/") || token.includes("://")) return false;
  if (!token.includes("/") && !FILE_EXTENSIONS.test(token)) return false;
  const first = token.replace(/^\.\//, "").split("/")[0] ?? "";
  if (topLevel.has(first) || token.startsWith("./") || token.startsWith("../")) return true;
  return token.includes("/") && (FILE_EXTENSIONS.test(token) || token.endsWith("/"));
}

export interface RepoIndex {
  /** First path segments of the repository's files. */
  topLevel: Set<string>;
  /** Every file and folder, relative to the root, folders with a trailing "/". */
  paths: string[];
}

export function indexRepo(files: string[]): RepoIndex {
  const paths = new Set<string>();
  for (const file of files) {
    paths.add(file);
    const parts = file.split("/");
    for (let i = 1; i < parts.length; i++) paths.add(`${parts.slice(0, i).join("/")}/`);
  }
  return { topLevel: new Set(files.map((file) => file.split("/")[0] ?? "")), paths: [...paths] };
}

/**
 * A link or path exists relative to the document or the root. A path that does
 * not start at the root (`src/server.ts` in a section about apps/central) is
 * also accepted when some repository path ends with it.
 */
function exists(token: string, fromDir: string, repo: RepoIndex): boolean {
  const clean = token.replace(/:\d+(-\d+)?$/, "").replace(/[#?].*$/, "");
  if (clean === "") return true;
  const bare = clean.replace(/^\.\//, "");
  if (repo.paths.includes(bare) || repo.paths.includes(`${bare}/`)) return true;
  if (existsSync(join(fromDir, clean)) || existsSync(join(ROOT, clean))) return true;
  const first = clean.replace(/^\.\//, "").split("/")[0] ?? "";
  if (repo.topLevel.has(first) || clean.startsWith(".")) return false;
  const suffixes = clean.endsWith("/") ? [`/${clean}`] : [`/${clean}`, `/${clean}/`];
  return repo.paths.some((path) => suffixes.some((suffix) => path.endsWith(suffix)));
}

/** Generated at run time (.dev/, apps/edge/src/generated/, ...): named in docs, absent from a clone. */
function isIgnored(token: string): boolean {
  try {
    execFileSync("git", ["check-ignore", "--no-index", "-q", token], { cwd: ROOT });
    return true;
  } catch {
    return false;
  }
}

export function checkMarkdown(file: string, text: string, repo: RepoIndex): BrokenLink[] {
  const broken: BrokenLink[] = [];
  const fromDir = dirname(join(ROOT, file));
  let fenced = false;
  text.split("\n").forEach((line, index) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return;
    }
    if (fenced) return;
    for (const match of line.matchAll(/\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = match[1] ?? "";
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("#")) continue;
      const path = decodeURIComponent(target);
      if (!exists(path, fromDir, repo) && !isIgnored(path)) broken.push({ file, line: index + 1, target });
    }
    for (const match of line.matchAll(/`([^`]+)`/g)) {
      const token = (match[1] ?? "").trim();
      if (looksLikePath(token, repo.topLevel) && !exists(token, fromDir, repo) && !isIgnored(token)) {
        broken.push({ file, line: index + 1, target: token });
      }
    }
  });
  return broken;
}

function main(): number {
  const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
    cwd: ROOT,
    encoding: "utf8",
  })
    .split("\n")
    .filter((file) => file !== "" && existsSync(join(ROOT, file)));
  const repo = indexRepo(files);
  const broken = files
    .filter((file) => file.endsWith(".md"))
    .flatMap((file) => checkMarkdown(file, readFileSync(join(ROOT, file), "utf8"), repo));
  for (const link of broken) console.error(`${link.file}:${link.line}: ${link.target} does not exist`);
  console.log(
    `[docs] ${files.filter((f) => f.endsWith(".md")).length} Markdown files, ${broken.length} broken paths`,
  );
  return broken.length === 0 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = main();

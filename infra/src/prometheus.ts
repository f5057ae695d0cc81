import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { parser } from "@prometheus-io/lezer-promql";
import { parse } from "yaml";
import { type Problem, problem } from "./problems.ts";

/** Metric names a PromQL expression reads (identifiers that are not functions, labels or keywords). */
export function metricNamesIn(expr: string): { names: string[]; syntaxError: boolean } {
  const tree = parser.parse(expr);
  const names: string[] = [];
  let syntaxError = false;
  tree.iterate({
    enter(node) {
      if (node.type.isError) syntaxError = true;
      if (node.name === "VectorSelector") {
        const identifier = node.node.getChild("Identifier");
        if (identifier !== null) names.push(expr.slice(identifier.from, identifier.to));
      }
    },
  });
  return { names, syntaxError };
}

/** A metric a query reads must be one central exports (histograms add _bucket/_sum/_count), or `up`. */
function knownMetric(name: string, exported: ReadonlySet<string>): boolean {
  if (name === "up" || exported.has(name)) return true;
  const base = name.replace(/_(bucket|sum|count)$/, "");
  return exported.has(base);
}

function checkExpression(
  file: string,
  where: string,
  expr: string,
  exported: ReadonlySet<string>,
): Problem[] {
  const { names, syntaxError } = metricNamesIn(expr.replaceAll("$__rate_interval", "5m"));
  const problems: Problem[] = [];
  if (syntaxError)
    problems.push(problem(file, `${where}: PromQL syntax error in ${JSON.stringify(expr.trim())}`));
  if (names.length === 0 && !syntaxError)
    problems.push(problem(file, `${where}: the expression reads no metric`));
  for (const name of names) {
    if (!knownMetric(name, exported))
      problems.push(problem(file, `${where}: metric ${name} is not exported by central`));
  }
  return problems;
}

interface RuleFile {
  groups?: Array<{
    name?: string;
    rules?: Array<{
      alert?: string;
      record?: string;
      expr?: string;
      for?: string;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    }>;
  }>;
}

/** Alert rules: structure, PromQL syntax, known metrics, a severity and a runbook that exists in docs/operations.md. */
export function validateAlertRules(
  root: string,
  file: string,
  exported: ReadonlySet<string>,
  runbookAnchors: ReadonlySet<string>,
): Problem[] {
  const rel = relative(root, file);
  const doc = parse(readFileSync(file, "utf8")) as RuleFile;
  const problems: Problem[] = [];
  if (!Array.isArray(doc.groups) || doc.groups.length === 0) return [problem(rel, "no rule groups")];
  for (const group of doc.groups) {
    for (const rule of group.rules ?? []) {
      const where = `${group.name}/${rule.alert ?? rule.record ?? "?"}`;
      if (rule.expr === undefined) {
        problems.push(problem(rel, `${where}: expr missing`));
        continue;
      }
      problems.push(...checkExpression(rel, where, rule.expr, exported));
      if (rule.for !== undefined && !/^\d+[smhd]$/.test(rule.for))
        problems.push(problem(rel, `${where}: bad duration for: ${rule.for}`));
      if (rule.alert !== undefined) {
        if (rule.labels?.severity === undefined)
          problems.push(problem(rel, `${where}: labels.severity missing`));
        const runbook = rule.annotations?.runbook ?? "";
        const anchor = runbook.split("#")[1];
        if (anchor === undefined || !runbookAnchors.has(anchor))
          problems.push(
            problem(rel, `${where}: runbook ${runbook || "(none)"} names no section of docs/operations.md`),
          );
      }
    }
  }
  return problems;
}

interface Dashboard {
  uid?: string;
  title?: string;
  panels?: Array<{ title?: string; targets?: Array<{ expr?: string }> }>;
}

export function validateDashboard(root: string, file: string, exported: ReadonlySet<string>): Problem[] {
  const rel = relative(root, file);
  let doc: Dashboard;
  try {
    doc = JSON.parse(readFileSync(file, "utf8")) as Dashboard;
  } catch (error) {
    return [problem(rel, `JSON: ${(error as Error).message}`)];
  }
  const problems: Problem[] = [];
  if (doc.uid === undefined || doc.title === undefined)
    problems.push(problem(rel, "uid and title are required"));
  for (const panel of doc.panels ?? []) {
    for (const target of panel.targets ?? []) {
      if (target.expr !== undefined)
        problems.push(...checkExpression(rel, `panel "${panel.title}"`, target.expr, exported));
    }
  }
  return problems;
}

/** GitHub-style anchors of the Markdown headings in a document. */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const line of markdown.split("\n")) {
    const match = /^#{1,6}\s+(.*)$/.exec(line);
    if (match?.[1] === undefined) continue;
    anchors.add(
      match[1]
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s-]/gu, "")
        .replace(/\s/g, "-"),
    );
  }
  return anchors;
}

import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { DEFAULT_DRAIN_TIMEOUT_MS } from "@gateway/central/lifecycle/drain-timeout";
import { parseAllDocuments } from "yaml";
import { type Problem, problem } from "./problems.ts";

type Manifest = { apiVersion?: string; kind?: string; metadata?: { name?: string }; [key: string]: unknown };
type ModelClass = new (data: unknown) => { validate(): void };

/** kubernetes-models exports one module per API group/version, e.g. "apps/v1", "v1" (core), "policy/v1". */
async function modelFor(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  try {
    const module = (await import(/* @vite-ignore */ `kubernetes-models/${apiVersion}`)) as Record<
      string,
      ModelClass
    >;
    return module[kind];
  } catch {
    return undefined;
  }
}

/** Every manifest listed by the kustomization, schema-validated, plus the policies this project requires. */
export async function validateKubernetes(root: string, dir: string): Promise<Problem[]> {
  const problems: Problem[] = [];
  const kustomizationPath = join(dir, "kustomization.yaml");
  const rel = (path: string) => relative(root, path);
  const kustomization = readYaml(kustomizationPath) as {
    resources?: string[];
    configMapGenerator?: Array<{ name: string; files?: string[] }>;
  };
  const generatedConfigMaps = new Set<string>();
  for (const generator of kustomization.configMapGenerator ?? []) {
    generatedConfigMaps.add(generator.name);
    for (const file of generator.files ?? []) {
      if (!existsSync(join(dir, file)))
        problems.push(problem(rel(kustomizationPath), `configMapGenerator file ${file} does not exist`));
    }
  }
  const manifests: Array<{ file: string; doc: Manifest }> = [];
  for (const resource of kustomization.resources ?? []) {
    const path = join(dir, resource);
    if (!existsSync(path)) {
      problems.push(problem(rel(kustomizationPath), `resource ${resource} does not exist`));
      continue;
    }
    const text = readFileSync(path, "utf8");
    for (const document of parseAllDocuments(text)) {
      if (document.errors.length > 0) {
        problems.push(problem(rel(path), `YAML: ${document.errors[0]?.message}`));
        continue;
      }
      const doc = document.toJS() as Manifest | null;
      if (doc !== null) manifests.push({ file: rel(path), doc });
    }
  }
  for (const { file, doc } of manifests) {
    const where = `${doc.kind ?? "?"}/${doc.metadata?.name ?? "?"}`;
    if (doc.apiVersion === undefined || doc.kind === undefined) {
      problems.push(problem(file, `${where}: apiVersion and kind are required`));
      continue;
    }
    const Model = await modelFor(doc.apiVersion, doc.kind);
    if (Model === undefined) {
      problems.push(problem(file, `${where}: unknown apiVersion/kind ${doc.apiVersion} ${doc.kind}`));
      continue;
    }
    try {
      new Model(doc).validate();
    } catch (error) {
      problems.push(problem(file, `${where}: ${(error as Error).message.split("\n")[0]}`));
    }
  }
  problems.push(...checkPolicies(manifests, generatedConfigMaps));
  return problems;
}

function readYaml(path: string): unknown {
  const text = readFileSync(path, "utf8");
  return parseAllDocuments(text)[0]?.toJS() ?? {};
}

interface Container {
  name: string;
  resources?: { requests?: unknown; limits?: unknown };
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  securityContext?: { allowPrivilegeEscalation?: boolean };
  lifecycle?: { preStop?: unknown };
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string } } }>;
}
interface PodSpec {
  terminationGracePeriodSeconds?: number;
  containers?: Container[];
  securityContext?: { runAsNonRoot?: boolean };
  volumes?: Array<{ configMap?: { name: string } }>;
}

/**
 * Central (a container with a GATEWAY_CONFIG) must finish its drain before the kubelet's SIGKILL:
 * preStop pause + CENTRAL_DRAIN_TIMEOUT_MS must fit in terminationGracePeriodSeconds (default 30).
 */
function drainBudgetProblem(pod: PodSpec, container: Container): string | undefined {
  const env = new Map((container.env ?? []).map((entry) => [entry.name, entry.value]));
  if (!env.has("GATEWAY_CONFIG")) return undefined;
  const drainMs = Number(env.get("CENTRAL_DRAIN_TIMEOUT_MS") ?? DEFAULT_DRAIN_TIMEOUT_MS);
  const preStop = (container.lifecycle?.preStop as { exec?: { command?: string[] } } | undefined)?.exec
    ?.command;
  const pauseSeconds = preStop?.[0] === "sleep" ? Number(preStop[1] ?? 0) : 0;
  const grace = pod.terminationGracePeriodSeconds ?? 30;
  if (pauseSeconds + drainMs / 1000 <= grace) return undefined;
  return `terminationGracePeriodSeconds (${grace}) is shorter than the preStop pause (${pauseSeconds} s) plus CENTRAL_DRAIN_TIMEOUT_MS (${drainMs / 1000} s): the drain would be killed`;
}

/** Rules a schema cannot express: probes, limits, non-root, preStop, drain budget, references that resolve. */
function checkPolicies(
  manifests: Array<{ file: string; doc: Manifest }>,
  generatedConfigMaps: Set<string>,
): Problem[] {
  const problems: Problem[] = [];
  const byKind = (kind: string) => manifests.filter((m) => m.doc.kind === kind);
  const workloads = [...byKind("Deployment"), ...byKind("StatefulSet")];
  for (const { file, doc } of workloads) {
    const name = doc.metadata?.name ?? "?";
    const spec = doc.spec as { template?: { spec?: PodSpec } } | undefined;
    const pod = spec?.template?.spec;
    if (pod?.securityContext?.runAsNonRoot !== true)
      problems.push(problem(file, `${name}: pod must set securityContext.runAsNonRoot: true`));
    for (const container of pod?.containers ?? []) {
      const at = `${name}/${container.name}`;
      if (container.resources?.requests === undefined)
        problems.push(problem(file, `${at}: resources.requests missing`));
      if (container.resources?.limits === undefined)
        problems.push(problem(file, `${at}: resources.limits missing`));
      if (container.readinessProbe === undefined)
        problems.push(problem(file, `${at}: readinessProbe missing`));
      if (container.livenessProbe === undefined) problems.push(problem(file, `${at}: livenessProbe missing`));
      if (container.securityContext?.allowPrivilegeEscalation !== false)
        problems.push(problem(file, `${at}: securityContext.allowPrivilegeEscalation must be false`));
      if (doc.kind === "Deployment" && container.lifecycle?.preStop === undefined)
        problems.push(problem(file, `${at}: lifecycle.preStop missing (drain before SIGTERM)`));
      const drainProblem = pod === undefined ? undefined : drainBudgetProblem(pod, container);
      if (drainProblem !== undefined) problems.push(problem(file, `${at}: ${drainProblem}`));
    }
    for (const volume of pod?.volumes ?? []) {
      const ref = volume.configMap?.name;
      if (
        ref !== undefined &&
        !generatedConfigMaps.has(ref) &&
        !byKind("ConfigMap").some((m) => m.doc.metadata?.name === ref)
      )
        problems.push(problem(file, `${name}: volume references ConfigMap ${ref}, which nothing defines`));
    }
  }
  const deployments = new Set(byKind("Deployment").map((m) => m.doc.metadata?.name));
  for (const { file, doc } of byKind("HorizontalPodAutoscaler")) {
    const target = (doc.spec as { scaleTargetRef?: { kind?: string; name?: string } }).scaleTargetRef;
    if (target?.kind !== "Deployment" || !deployments.has(target.name))
      problems.push(problem(file, `${doc.metadata?.name}: scaleTargetRef names no Deployment defined here`));
  }
  for (const { file, doc } of byKind("PodDisruptionBudget")) {
    const selector = (doc.spec as { selector?: { matchLabels?: Record<string, string> } }).selector
      ?.matchLabels;
    if (!matchesAnyWorkload(selector, workloads))
      problems.push(problem(file, `${doc.metadata?.name}: selector matches no workload`));
  }
  for (const { file, doc } of [...byKind("Service"), ...byKind("NetworkPolicy")]) {
    const spec = doc.spec as {
      selector?: Record<string, string>;
      podSelector?: { matchLabels?: Record<string, string> };
    };
    const selector = doc.kind === "Service" ? spec.selector : spec.podSelector?.matchLabels;
    if (!matchesAnyWorkload(selector, workloads))
      problems.push(problem(file, `${doc.kind}/${doc.metadata?.name}: selector matches no workload`));
  }
  return problems;
}

function matchesAnyWorkload(
  selector: Record<string, string> | undefined,
  workloads: Array<{ doc: Manifest }>,
): boolean {
  if (selector === undefined || Object.keys(selector).length === 0) return false;
  return workloads.some(({ doc }) => {
    const labels =
      (doc.spec as { template?: { metadata?: { labels?: Record<string, string> } } }).template?.metadata
        ?.labels ?? {};
    return Object.entries(selector).every(([key, value]) => labels[key] === value);
  });
}

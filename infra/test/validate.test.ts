import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { validateCompose } from "../src/compose.ts";
import { validateDockerfile } from "../src/dockerfile.ts";
import { validateKubernetes } from "../src/kubernetes.ts";
import { headingAnchors, metricNamesIn, validateAlertRules, validateDashboard } from "../src/prometheus.ts";
import { DOCKERFILES, validateInfra } from "../src/validate-all.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const temporary: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), "infra-"));
  temporary.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of infra/kubernetes with one file's text transformed. */
function kubernetesWith(file: string, edit: (text: string) => string): string {
  const dir = scratch();
  cpSync(join(root, "infra/kubernetes"), dir, { recursive: true });
  writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), "utf8")));
  return dir;
}

describe("the repository's infra/", () => {
  it("passes every static check", async () => {
    expect(await validateInfra(root)).toEqual([]);
  });

  it("runs central with the node flags of its start script (the flags the benchmark measured)", () => {
    const start = (
      JSON.parse(readFileSync(join(root, "apps/central/package.json"), "utf8")) as {
        scripts: { start: string };
      }
    ).scripts.start;
    const startFlags = start.split(" ").filter((word) => word.startsWith("--"));
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(join(root, "infra/central/Dockerfile"), "utf8"))?.[1];
    const imageFlags = (JSON.parse(cmd ?? "[]") as string[]).filter((word) => word.startsWith("--"));
    expect(startFlags).toContain("--max-semi-space-size=16");
    expect(imageFlags).toEqual(startFlags);
  });
});

describe("kubernetes manifests", () => {
  it("reports a schema violation with the object's kind and name", async () => {
    const dir = kubernetesWith("central-deployment.yaml", (t) => t.replace("replicas: 2", "replicas: two"));
    const problems = await validateKubernetes(root, dir);
    expect(problems.map((p) => p.message).join("\n")).toMatch(/Deployment\/gateway-central: .*replicas/);
  });

  it("reports a missing readiness probe and preStop hook", async () => {
    const dir = kubernetesWith("central-deployment.yaml", (t) =>
      t
        .replace(/ {10}readinessProbe:[\s\S]*?failureThreshold: 2\n/, "")
        .replace(/ {10}lifecycle:[\s\S]*?"5"\]\n/, ""),
    );
    const messages = (await validateKubernetes(root, dir)).map((p) => p.message);
    expect(messages).toContain("gateway-central/central: readinessProbe missing");
    expect(messages).toContain("gateway-central/central: lifecycle.preStop missing (drain before SIGTERM)");
  });

  it("reports a grace period too short for the preStop pause plus central's drain deadline", async () => {
    const dir = kubernetesWith("central-deployment.yaml", (t) =>
      t.replace('value: "25000"', 'value: "40000"'),
    );
    expect((await validateKubernetes(root, dir)).map((p) => p.message)).toContain(
      "gateway-central/central: terminationGracePeriodSeconds (40) is shorter than the preStop pause (5 s) plus CENTRAL_DRAIN_TIMEOUT_MS (40 s): the drain would be killed",
    );
  });

  it("reports an HPA that targets nothing and a Service whose selector matches no pod", async () => {
    let dir = kubernetesWith("central-hpa.yaml", (t) =>
      t.replace("name: gateway-central\n  minReplicas", "name: central\n  minReplicas"),
    );
    expect((await validateKubernetes(root, dir)).map((p) => p.message)).toContain(
      "gateway-central: scaleTargetRef names no Deployment defined here",
    );
    dir = kubernetesWith("central-service.yaml", (t) =>
      t.replace("app.kubernetes.io/name: gateway-central\n  ports", "app: central\n  ports"),
    );
    expect((await validateKubernetes(root, dir)).map((p) => p.message)).toContain(
      "Service/gateway-central: selector matches no workload",
    );
  });

  it("reports an unknown kind and a resource file that does not exist", async () => {
    const dir = kubernetesWith("kustomization.yaml", (t) =>
      t.replace("  - namespace.yaml", "  - namespace.yaml\n  - missing.yaml"),
    );
    writeFileSync(join(dir, "namespace.yaml"), "apiVersion: v1\nkind: Namespaces\nmetadata:\n  name: x\n");
    const messages = (await validateKubernetes(root, dir)).map((p) => p.message);
    expect(messages).toContain("resource missing.yaml does not exist");
    expect(messages).toContain("Namespaces/x: unknown apiVersion/kind v1 Namespaces");
  });
});

describe("compose file", () => {
  it("reports an unknown service key and a bind mount that does not exist", () => {
    const dir = scratch();
    const file = join(dir, "compose.yaml");
    writeFileSync(
      file,
      "services:\n  a:\n    image: redis:7\n    restrt: always\n    volumes:\n      - ./nope.conf:/x:ro\n",
    );
    const messages = validateCompose(root, file).map((p) => p.message);
    expect(
      messages.some((m) => m.startsWith("schema: /services/a must NOT have additional properties")),
    ).toBe(true);
    expect(messages).toContain("a: bind mount source ./nope.conf does not exist");
  });
});

describe("Dockerfile", () => {
  it("every Dockerfile under infra/ is validated, the self-hosted edge's included", () => {
    const found = readdirSync(join(root, "infra"), { recursive: true })
      .map(String)
      .filter((path) => !path.includes("node_modules") && /(^|\/)Dockerfile$/.test(path))
      .map((path) => `infra/${path}`)
      .sort();
    expect(found).toContain("infra/edge/Dockerfile");
    expect([...DOCKERFILES].sort()).toEqual(found);
    for (const file of DOCKERFILES) expect(validateDockerfile(root, join(root, file))).toEqual([]);
  });

  it("the edge image runs workerd as a non-root user with no Node and no secret baked in", () => {
    const text = readFileSync(join(root, "infra/edge/Dockerfile"), "utf8");
    const finalStage = text.slice(text.lastIndexOf("\nFROM "));
    expect(finalStage).not.toMatch(/FROM node:/);
    expect(finalStage).toMatch(/\nUSER nonroot\n/);
    expect(finalStage).toContain('CMD ["/usr/local/bin/workerd", "serve", "/srv/edge/workerd.capnp"]');
    expect(text).not.toMatch(/EDGE_CENTRAL_KEYS=|EDGE_IDENTITY_PRIVATE_JWK=|CACHE_PURGE_SECRET=/);
  });

  it("reports an unpinned base, a root final stage, shell-form CMD and a missing COPY source", () => {
    const dir = scratch();
    const file = join(dir, "Dockerfile");
    writeFileSync(file, "FROM node:latest\nCOPY no/such/dir /app\nCMD node main.js\n");
    const messages = validateDockerfile(root, file).map((p) => p.message);
    expect(messages).toEqual([
      "line 1: base image node:latest must be pinned to a tag (not latest)",
      "line 2: COPY source no/such/dir does not exist",
      "the final stage must switch to a non-root USER",
      "CMD must use the exec form so the process receives SIGTERM",
    ]);
  });
});

describe("Prometheus rules and the dashboard", () => {
  const metrics = new Set(["gateway_http_requests_total", "gateway_http_request_duration_seconds"]);

  it("finds the metrics a query reads, histogram suffixes included", () => {
    expect(
      metricNamesIn(
        'sum by (route) (rate(gateway_http_requests_total{status=~"5.."}[5m])) / on() group_left up',
      ),
    ).toEqual({ names: ["gateway_http_requests_total", "up"], syntaxError: false });
    expect(metricNamesIn("rate(foo[5m]").syntaxError).toBe(true);
  });

  it("reports syntax errors, unknown metrics, missing severity and runbooks that name no section", () => {
    const dir = scratch();
    const file = join(dir, "alerts.yml");
    writeFileSync(
      file,
      [
        "groups:",
        "  - name: g",
        "    rules:",
        "      - alert: A",
        "        expr: rate(gateway_http_requests_total[5m] > 1",
        "        labels: { severity: page }",
        "        annotations: { runbook: docs/operations.md#redis-loss }",
        "      - alert: B",
        "        expr: gateway_nope_total > 1",
        "        annotations: { runbook: docs/operations.md#nowhere }",
      ].join("\n"),
    );
    const messages = validateAlertRules(root, file, metrics, new Set(["redis-loss"])).map((p) => p.message);
    expect(messages).toEqual([
      'g/A: PromQL syntax error in "rate(gateway_http_requests_total[5m] > 1"',
      "g/B: metric gateway_nope_total is not exported by central",
      "g/B: labels.severity missing",
      "g/B: runbook docs/operations.md#nowhere names no section of docs/operations.md",
    ]);
  });

  it("reports a dashboard panel reading an unknown metric", () => {
    const dir = scratch();
    const file = join(dir, "d.json");
    writeFileSync(
      file,
      JSON.stringify({
        uid: "u",
        title: "t",
        panels: [{ title: "p", targets: [{ expr: "rate(x_total[$__rate_interval])" }] }],
      }),
    );
    expect(validateDashboard(root, file, metrics).map((p) => p.message)).toEqual([
      'panel "p": metric x_total is not exported by central',
    ]);
  });

  it("derives GitHub heading anchors", () => {
    expect([...headingAnchors("# Ops\n## Redis loss\n### Scaling central (N replicas)\n")]).toEqual([
      "ops",
      "redis-loss",
      "scaling-central-n-replicas",
    ]);
  });
});

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CENTRAL_METRIC_NAMES } from "@gateway/central/metrics/names";
import { validateCompose } from "./compose.ts";
import { validateDockerfile } from "./dockerfile.ts";
import { validateKubernetes } from "./kubernetes.ts";
import { type Problem, problem } from "./problems.ts";
import { headingAnchors, validateAlertRules, validateDashboard } from "./prometheus.ts";

export const DOCKERFILES = ["infra/central/Dockerfile", "infra/demo/Dockerfile", "infra/edge/Dockerfile"];

/** Every deployable artefact under infra/, checked statically (no container engine or cluster needed). */
export async function validateInfra(root: string): Promise<Problem[]> {
  const metrics = new Set<string>(CENTRAL_METRIC_NAMES);
  const anchors = headingAnchors(readFileSync(join(root, "docs/operations.md"), "utf8"));
  return [
    ...(await validateKubernetes(root, join(root, "infra/kubernetes"))),
    ...validateCompose(root, join(root, "infra/compose/compose.yaml")),
    ...DOCKERFILES.flatMap((file) => validateDockerfile(root, join(root, file))),
    ...validateAlertRules(root, join(root, "infra/prometheus/alerts.yml"), metrics, anchors),
    ...validateDashboard(root, join(root, "infra/grafana/gateway-central.json"), metrics),
    ...sameFile(root, "infra/kubernetes/redis.conf", "infra/redis/redis.conf"),
  ];
}

/** kustomize cannot read files outside its folder, so the Redis config is copied there; the copies must agree. */
function sameFile(root: string, copy: string, original: string): Problem[] {
  const read = (file: string) => readFileSync(join(root, file), "utf8");
  return read(copy) === read(original) ? [] : [problem(copy, `differs from ${original}; copy it again`)];
}

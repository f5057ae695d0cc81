/**
 * CENTRAL_DRAIN_TIMEOUT_MS default: k8s' default 30 s terminationGracePeriodSeconds minus a 5 s
 * preStop pause. infra/'s static check holds the manifests to it.
 */
export const DEFAULT_DRAIN_TIMEOUT_MS = 25_000;

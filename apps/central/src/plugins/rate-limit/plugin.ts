import type { RateLimitPolicy } from "@gateway/types";
import { GatewayError } from "@gateway/types";
import type { NextFunction, RequestHandler, Response } from "express";
import { type GatewayContext, gatewayContext } from "../../context.ts";
import { identityUnavailableError, replayedTokenError } from "../identity/errors.ts";
import { mostRestrictive, type PolicyDecision, rateLimitHeader, rateLimitPolicyHeader } from "./headers.ts";
import { rateLimitKey } from "./keys.ts";
import { createOutageTracker } from "./outage.ts";
import { withTimeout } from "./timeout.ts";
import type {
  RateLimitCheck,
  RateLimitDecision,
  RateLimitLogger,
  RateLimitStore,
  ReplayFailureHandling,
  ReplayMark,
} from "./types.ts";

export interface RateLimitPluginDeps {
  store: RateLimitStore;
  logger: RateLimitLogger;
  /** A store that has not answered after this long counts as down. Default 300. */
  timeoutMs?: number;
  /**
   * `identity.replayFailMode` for a deferred replay check (`context.replay`),
   * which this plugin folds into its store call. Default: refuse (closed).
   */
  replayFailMode?: ReplayFailureHandling;
  /**
   * Policy names a consumer carries (API key consumers, or a JWT subject with a
   * consumer record), applied on every route besides the route's own.
   */
  consumerPolicies?: (sub: string) => readonly string[] | Promise<readonly string[]>;
}

export type RateLimitPlugin = RequestHandler & { health(): { redis: "ok" | "degraded" } };

function assertValid(policy: RateLimitPolicy): void {
  const positive = (value: number) => Number.isFinite(value) && value > 0;
  if (!positive(policy.limit) || !positive(policy.windowSeconds) || !(policy.burst >= 1)) {
    throw new Error(
      `rate limit policy "${policy.name}": limit and windowSeconds must be > 0 and burst >= 1 ` +
        `(got limit=${policy.limit}, windowSeconds=${policy.windowSeconds}, burst=${policy.burst})`,
    );
  }
}

/**
 * Enforces the precise policies named by the matched route
 * (`res.locals.gateway.route.rateLimit`): one store evaluation per request,
 * draft-ietf-httpapi-ratelimit-headers on the response, a `rate_limited`
 * GatewayError (with Retry-After) on deny. Must run after routing.
 * A deferred replay check on the context is settled in the same evaluation:
 * a replayed token is refused (401) without consuming anything. On routes
 * without a policy it is left for the replay check that follows.
 */
export function createRateLimitPlugin(
  policies: RateLimitPolicy[],
  deps: RateLimitPluginDeps,
): RateLimitPlugin {
  const byName = new Map<string, RateLimitPolicy>();
  for (const policy of policies) {
    assertValid(policy);
    byName.set(policy.name, policy);
  }
  const timeoutMs = deps.timeoutMs ?? 300;
  const outage = createOutageTracker(deps.logger);
  const replayFailMode = deps.replayFailMode ?? { failed: () => false, succeeded: () => {} };

  /** Per route's list of names (one array per route config), resolved once: this runs on every request. */
  const resolved = new WeakMap<readonly string[], RateLimitPolicy[]>();

  function policiesOf(names: string[]): RateLimitPolicy[] {
    const cached = resolved.get(names);
    if (cached !== undefined) return cached;
    const policies = [...new Set(names)].map((name) => {
      const policy = byName.get(name);
      if (!policy) throw new Error(`unknown rate limit policy "${name}"`);
      return policy;
    });
    resolved.set(names, policies);
    return policies;
  }

  const policyHeaders = new WeakMap<RateLimitPolicy[], string>();
  function policyHeaderOf(applicable: RateLimitPolicy[]): string {
    let header = policyHeaders.get(applicable);
    if (header === undefined) {
      header = rateLimitPolicyHeader(applicable);
      policyHeaders.set(applicable, header);
    }
    return header;
  }

  function paired(checks: RateLimitCheck[], decisions: RateLimitDecision[]): PolicyDecision[] {
    return checks.map(({ policy }, i) => {
      const decision = decisions[i];
      if (!decision)
        throw new Error(`rate limit store returned ${decisions.length} decisions for ${checks.length}`);
      return { policy, decision };
    });
  }

  async function evaluate(
    checks: RateLimitCheck[],
    replay: ReplayMark | undefined,
  ): Promise<PolicyDecision[] | "replayed"> {
    if (replay === undefined) return paired(checks, await deps.store.evaluate(checks));
    const decisions = await deps.store.evaluateFresh(replay, checks);
    return decisions === "replayed" ? decisions : paired(checks, decisions);
  }

  function unavailable(res: Response, next: NextFunction, applicable: RateLimitPolicy[]): void {
    if (applicable.some((policy) => policy.failMode === "closed")) {
      next(new GatewayError("service_unavailable", "Rate limiting is unavailable", { "Retry-After": "1" }));
      return;
    }
    res.setHeader("RateLimit-Policy", policyHeaderOf(applicable));
    next();
  }

  const NO_NAMES: readonly string[] = [];
  /** Synchronous on a cache hit (the common case): no extra await on the hot path. */
  function consumerPolicyNames(
    identity: GatewayContext["identity"],
  ): readonly string[] | Promise<readonly string[]> {
    if (deps.consumerPolicies === undefined || identity === undefined || identity.auth === "anonymous") {
      return NO_NAMES;
    }
    return deps.consumerPolicies(identity.sub);
  }

  /** A policy removed from the config since the consumer was set up is skipped, not an error. */
  function knownNames(names: readonly string[]): string[] {
    return names.length === 0 ? (NO_NAMES as string[]) : names.filter((name) => byName.has(name));
  }

  async function handle(res: Response, next: NextFunction): Promise<void> {
    const context = gatewayContext(res);
    const routeNames = context.route?.rateLimit ?? [];
    const found = consumerPolicyNames(context.identity);
    const extra = knownNames(Array.isArray(found) ? (found as readonly string[]) : await found);
    if (routeNames.length === 0 && extra.length === 0) return next();

    let applicable: RateLimitPolicy[];
    try {
      applicable = policiesOf(routeNames);
      if (extra.length > 0) applicable = [...new Set([...applicable, ...policiesOf(extra)])];
    } catch (error) {
      deps.logger.error(
        { err: error, route: context.route?.name },
        "route names an unknown rate limit policy",
      );
      // the details stay in the log, not in the client's answer
      return next(new GatewayError("internal_error", "Internal error"));
    }
    const checks: RateLimitCheck[] = applicable.map((policy) => ({
      policy,
      key: rateLimitKey(policy, context),
    }));

    const replay = context.replay;
    delete context.replay;
    const ticket = outage.begin();
    let outcome: PolicyDecision[] | "replayed";
    try {
      outcome = await withTimeout(evaluate(checks, replay), timeoutMs, "rate limit evaluation");
    } catch (error) {
      outage.failed(ticket, error);
      if (replay !== undefined && !replayFailMode.failed(error)) return next(identityUnavailableError());
      return unavailable(res, next, applicable);
    }
    outage.succeeded(ticket);
    if (replay !== undefined) replayFailMode.succeeded();
    if (outcome === "replayed") return next(replayedTokenError());
    const results = outcome;

    const shown = mostRestrictive(results);
    const headers = {
      "RateLimit-Policy": policyHeaderOf(applicable),
      RateLimit: rateLimitHeader(shown.policy, shown.decision),
    };
    const denied = results.filter(({ decision }) => !decision.allowed);
    if (denied.length === 0) {
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      return next();
    }
    // a retry must satisfy every denying policy
    const retryAfter = Math.max(...denied.map(({ decision }) => decision.retryAfterSeconds ?? 1));
    // carried on the error: the error handler renders from a clean slate of headers
    next(
      new GatewayError("rate_limited", `Rate limit "${shown.policy.name}" exceeded`, {
        ...headers,
        "Retry-After": String(retryAfter),
      }),
    );
  }

  const handler = ((_req, res, next) => {
    handle(res, next).catch(next);
  }) as RateLimitPlugin;
  handler.health = () => ({ redis: outage.isDegraded() ? "degraded" : "ok" });
  return handler;
}

import { createHash } from "node:crypto";
import type { CentralConfig } from "@gateway/types";
import { canonicalJson } from "./canonical-json.ts";
import type { TierContract } from "./tier-contract.ts";

/** Hex characters kept of a sha256: enough to tell revisions apart on a dashboard, short enough to read. */
const SHORT_HASH_LENGTH = 12;

function shortSha256(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex").slice(0, SHORT_HASH_LENGTH);
}

/**
 * The identity of a compiled central config (/readyz, `gateway_config_info`): two replicas with
 * the same hash run the same routes, policies and limits, whatever the file's layout or comments.
 */
export function configHash(config: CentralConfig): string {
  return shortSha256(config);
}

/** The identity of an edge ↔ central contract (see tier-contract.ts): equal hashes, nothing to disagree on. */
export function contractHash(contract: TierContract): string {
  return shortSha256(contract);
}

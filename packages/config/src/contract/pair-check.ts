import { readFile } from "node:fs/promises";
import type { CentralConfig, EdgeConfig } from "@gateway/types";
import { compileCentral, compileEdge } from "../compile.ts";
import { ConfigError } from "../config-error.ts";
import { loadConfigFile } from "../load-file.ts";
import { contractHash } from "./hash.ts";
import { type ContractIssue, centralContract, compareContracts, edgeContract } from "./tier-contract.ts";

/** A compiled config (`./gw config compile`, the edge bundle's edge-config.json) is JSON; anything else is YAML. */
async function readCompiled(file: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : String(error);
    throw new ConfigError([`${file}: ${reason}`]);
  }
  if (!text.trimStart().startsWith("{")) return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // Not JSON after all: YAML flow mappings start with "{" too.
  }
  return undefined;
}

function requireFields(file: string, tier: string, value: Record<string, unknown>, fields: string[]): void {
  const missing = fields.filter((field) => value[field] === undefined);
  if (missing.length > 0) {
    throw new ConfigError([
      `${file}: not a compiled ${tier} config (no ${missing.join(", ")}); pass the YAML file or the output of ./gw config compile --tier ${tier}`,
    ]);
  }
}

async function loadEdge(file: string): Promise<{ config: EdgeConfig; embeddedHash?: string }> {
  const compiled = await readCompiled(file);
  if (compiled === undefined) return { config: compileEdge(await loadConfigFile(file)) };
  requireFields(file, "edge", compiled, ["identity", "jwt", "limits", "routes"]);
  const embedded = compiled.contractHash;
  return {
    config: compiled as unknown as EdgeConfig,
    ...(typeof embedded === "string" ? { embeddedHash: embedded } : {}),
  };
}

async function loadCentral(file: string): Promise<CentralConfig> {
  const compiled = await readCompiled(file);
  if (compiled === undefined) return compileCentral(await loadConfigFile(file));
  requireFields(file, "central", compiled, ["identity", "limits", "rateLimits", "routes"]);
  return compiled as unknown as CentralConfig;
}

export interface PairCheck {
  edgeHash: string;
  centralHash: string;
  issues: ContractIssue[];
}

/**
 * Compares an edge config and a central config (each a YAML file or a compiled JSON) as the two
 * tiers would run them. A compiled edge config that embeds a `contractHash` different from the
 * one its content gives was edited or built by another version: reported as a warning.
 */
export async function checkTierPair(edgeFile: string, centralFile: string): Promise<PairCheck> {
  const [edge, central] = await Promise.all([loadEdge(edgeFile), loadCentral(centralFile)]);
  const edgeSide = edgeContract(edge.config);
  const centralSide = centralContract(central);
  const edgeHash = contractHash(edgeSide);
  const issues = compareContracts(edgeSide, centralSide);
  if (edge.embeddedHash !== undefined && edge.embeddedHash !== edgeHash) {
    issues.unshift({
      severity: "warning",
      path: "contractHash",
      message: `${edgeFile} says ${edge.embeddedHash}, its content gives ${edgeHash} (edited after compiling, or compiled by another version)`,
    });
  }
  return { edgeHash, centralHash: contractHash(centralSide), issues };
}

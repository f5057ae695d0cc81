import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findRedisServerBinary } from "../src/index.ts";

describe("findRedisServerBinary", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "gw-testing-"));
    await writeFile(join(dir, "redis-server"), "#!/bin/sh\n");
    await chmod(join(dir, "redis-server"), 0o755);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("takes the first executable redis-server on the search path", () => {
    expect(findRedisServerBinary(["/nonexistent", dir].join(delimiter))).toBe(join(dir, "redis-server"));
  });

  it("falls back to /usr/bin/redis-server when the path has none", () => {
    expect(findRedisServerBinary("/nonexistent")).toBe("/usr/bin/redis-server");
  });
});

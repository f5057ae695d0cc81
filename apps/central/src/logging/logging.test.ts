import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { createLogDestination } from "./index.ts";

const dir = mkdtempSync(join(tmpdir(), "central-log-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const linesIn = (file: string) =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as { msg: string; n?: number });

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("log destination", () => {
  it("buffers small lines and writes them within the flush interval", async () => {
    const file = join(dir, "interval.log");
    const destination = createLogDestination({ dest: file, minLength: 4096, flushIntervalMs: 100 });
    await new Promise((resolve) => destination.once("ready", resolve));
    const logger = pino({ base: null }, destination);
    logger.info("first");
    logger.info("second");
    expect(readFileSync(file, "utf8")).toBe("");
    await until(() => linesIn(file).length === 2, 2000);
    expect(linesIn(file).map((line) => line.msg)).toEqual(["first", "second"]);
    destination.end();
  });

  it("writes in batches once minLength is reached and loses nothing on flushSync", async () => {
    const file = join(dir, "batch.log");
    const destination = createLogDestination({ dest: file, minLength: 4096, flushIntervalMs: 60_000 });
    await new Promise((resolve) => destination.once("ready", resolve));
    const logger = pino({ base: null }, destination);
    for (let n = 0; n < 500; n++) logger.info({ n }, "request");
    await until(() => linesIn(file).length > 0, 2000);
    destination.flushSync();
    const lines = linesIn(file);
    expect(lines).toHaveLength(500);
    expect(lines.map((line) => line.n)).toEqual(Array.from({ length: 500 }, (_, n) => n));
    destination.end();
  });
});

describe("log destination at the end", () => {
  it("end() writes the lines still pending", async () => {
    const file = join(dir, "end.log");
    const destination = createLogDestination({ dest: file, minLength: 1 << 20, flushIntervalMs: 60_000 });
    await new Promise((resolve) => destination.once("ready", resolve));
    const logger = pino({ base: null }, destination);
    for (let n = 0; n < 20; n++) logger.info({ n }, "request");
    expect(readFileSync(file, "utf8")).toBe("");
    await new Promise((resolve) => {
      destination.once("finish", resolve);
      destination.end();
    });
    expect(linesIn(file).map((line) => line.n)).toEqual(Array.from({ length: 20 }, (_, n) => n));
  });

  it("a process that exits normally writes every pending line (pino's exit hook)", () => {
    const file = join(dir, "exit.log");
    const moduleUrl = new URL("./index.ts", import.meta.url).href;
    const script = `
      import { pino } from "pino";
      import { createLogDestination } from ${JSON.stringify(moduleUrl)};
      const destination = createLogDestination({ dest: ${JSON.stringify(file)}, minLength: 1 << 20, flushIntervalMs: 60_000 });
      destination.once("ready", () => {
        const logger = pino({ base: null }, destination);
        for (let n = 0; n < 50; n++) logger.info({ n }, "request");
        process.exit(0);
      });
    `;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      encoding: "utf8",
      timeout: 10_000,
    });
    expect(child.stderr).toBe("");
    expect(child.status).toBe(0);
    expect(linesIn(file).map((line) => line.n)).toEqual(Array.from({ length: 50 }, (_, n) => n));
  });
});

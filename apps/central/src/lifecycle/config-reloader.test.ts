import { ConfigError } from "@gateway/config";
import { describe, expect, it } from "vitest";
import { createMetrics } from "../metrics/index.ts";
import { createConfigReloader } from "./config-reloader.ts";

const silent = { info() {}, warn() {}, error() {} };

function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("config reloader", () => {
  it("records the loaded hash and each result in central's metrics", async () => {
    const metrics = createMetrics({ collectDefaults: false });
    metrics.configLoaded("aaaaaaaaaaaa");
    let next: () => Promise<{ value: string; hash: string }> = async () => ({
      value: "v2",
      hash: "bbbbbbbbbbbb",
    });
    const applied: string[] = [];
    const reloader = createConfigReloader<string>({
      initialHash: "aaaaaaaaaaaa",
      build: () => next(),
      apply: (built) => applied.push(built.value),
      discard: () => {},
      accepting: () => true,
      logger: silent,
      metrics,
    });
    expect(await reloader.reload("SIGHUP")).toEqual({
      result: "applied",
      hash: "bbbbbbbbbbbb",
      previousHash: "aaaaaaaaaaaa",
    });
    next = async () => {
      throw new ConfigError(["/etc/gateway.config.yaml:3:5: routes[0].path: must start with /"]);
    };
    expect(await reloader.reload("file change")).toEqual({
      result: "rejected",
      issues: ["/etc/gateway.config.yaml:3:5: routes[0].path: must start with /"],
    });
    const text = await metrics.registry.metrics();
    expect(sample(text, 'gateway_config_info{hash="bbbbbbbbbbbb"}')).toBe(1);
    expect(text).not.toContain('hash="aaaaaaaaaaaa"');
    expect(sample(text, 'gateway_config_reloads_total{result="applied"}')).toBe(1);
    expect(sample(text, 'gateway_config_reloads_total{result="rejected"}')).toBe(1);
    expect(applied).toEqual(["v2"]);
    expect(reloader.currentHash()).toBe("bbbbbbbbbbbb");
    expect(reloader.stats()).toMatchObject({ applied: 1, rejected: 1, last: { result: "rejected" } });
  });

  it("never builds two configs at once: a reload asked for during another runs after it", async () => {
    const events: string[] = [];
    let finishFirst = () => {};
    let builds = 0;
    const reloader = createConfigReloader<number>({
      initialHash: "h0",
      async build() {
        const n = ++builds;
        events.push(`build ${n}`);
        if (n === 1) await new Promise<void>((resolve) => (finishFirst = resolve));
        return { value: n, hash: `h${n}` };
      },
      apply: (built) => events.push(`apply ${built.value}`),
      discard: () => {},
      accepting: () => true,
      logger: silent,
    });
    const first = reloader.reload("SIGHUP");
    const second = reloader.reload("SIGHUP");
    await Promise.resolve();
    expect(events).toEqual(["build 1"]);
    finishFirst();
    await Promise.all([first, second]);
    expect(events).toEqual(["build 1", "apply 1", "build 2", "apply 2"]);
  });

  it("discards a config built while shutdown began, and refuses reloads afterwards", async () => {
    let accepting = true;
    const discarded: string[] = [];
    const reloader = createConfigReloader<string>({
      initialHash: "h0",
      async build() {
        accepting = false;
        return { value: "late", hash: "h1" };
      },
      apply: () => {
        throw new Error("must not apply");
      },
      discard: (built) => discarded.push(built.value),
      accepting: () => accepting,
      logger: silent,
    });
    expect(await reloader.reload("SIGHUP")).toEqual({ result: "skipped", reason: "shutting down" });
    expect(discarded).toEqual(["late"]);
    expect(await reloader.reload("SIGHUP")).toEqual({ result: "skipped", reason: "shutting down" });
    expect(reloader.currentHash()).toBe("h0");
  });
});

import { describe, expect, it } from "vitest";
import { createReplayFailMode, withReplayFailMode } from "./fail-mode.ts";

function recordingLogger() {
  const lines: string[] = [];
  return {
    lines,
    logger: {
      warn: (_obj: unknown, msg?: string) => lines.push(`warn ${msg}`),
      info: (_obj: unknown, msg?: string) => lines.push(`info ${msg}`),
    } as never,
  };
}

function flakyStore() {
  let failing = false;
  const seen = new Set<string>();
  return {
    setFailing: (value: boolean) => {
      failing = value;
    },
    store: {
      async remember(jti: string) {
        if (failing) throw new Error("connection refused");
        if (seen.has(jti)) return false;
        seen.add(jti);
        return true;
      },
    },
  };
}

describe("withReplayFailMode", () => {
  it("open: accepts during an outage, logs it once and its end once, then checks replays again", async () => {
    const { lines, logger } = recordingLogger();
    const flaky = flakyStore();
    const store = withReplayFailMode(flaky.store, createReplayFailMode({ failMode: "open", logger }));
    expect(await store.remember("a", 0)).toBe(true);
    flaky.setFailing(true);
    expect(await store.remember("a", 0)).toBe(true);
    expect(await store.remember("b", 0)).toBe(true);
    flaky.setFailing(false);
    expect(await store.remember("a", 0)).toBe(false);
    expect(lines).toEqual([
      "warn replay store unavailable: accepting identity tokens without the replay check",
      "info replay store recovered",
    ]);
  });

  it("closed: propagates the error so the request is refused, logging the outage once", async () => {
    const { lines, logger } = recordingLogger();
    const flaky = flakyStore();
    const store = withReplayFailMode(flaky.store, createReplayFailMode({ failMode: "closed", logger }));
    flaky.setFailing(true);
    await expect(store.remember("a", 0)).rejects.toThrow("connection refused");
    await expect(store.remember("b", 0)).rejects.toThrow("connection refused");
    expect(lines).toHaveLength(1);
  });
});

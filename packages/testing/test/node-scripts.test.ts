import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeScriptsIn } from "../src/index.ts";
import { type Fixture, writeFixture } from "./script-fixture.ts";

describe("nodeScriptsIn", () => {
  let fixture: Fixture;

  beforeAll(async () => {
    fixture = await writeFixture();
  });
  afterAll(async () => {
    await fixture?.remove();
  });

  it("runScript resolves output and a non-zero exit code instead of rejecting", async () => {
    const { runScript } = nodeScriptsIn(fixture.srcFolder);
    expect(await runScript("echo.ts", ["a", "b"], { GREETING: "hi" })).toEqual({
      stdout: "hi a b\n",
      stderr: "",
      code: 0,
    });
    const failed = await runScript("fail.ts", [], {});
    expect(failed.code).toBe(3);
    expect(failed.stderr).toBe("broken\n");
  });

  it("startMain resolves the logged url and stopWithSigterm the exit code", async () => {
    const { startMain, stopWithSigterm } = nodeScriptsIn(fixture.srcFolder);
    const { child, url } = await startMain({ PORT_LABEL: "4242" });
    expect(url).toBe("http://127.0.0.1:4242");
    expect(await stopWithSigterm(child)).toBe(0);
  });
});

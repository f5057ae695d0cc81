import { freePort } from "@gateway/testing";
import { afterAll, beforeAll } from "vitest";
import { testConfigYaml } from "./config.ts";
import { type CentralUnderTest, startCentral } from "./harness.ts";
import { type RecordingUpstream, startUpstream } from "./upstream.ts";

export interface CentralWithUpstream {
  upstream: RecordingUpstream;
  central: CentralUnderTest;
}

/**
 * For one test file: before all its tests, a recording upstream and a central
 * on testConfigYaml routed to it (the `down` route points at a port nothing
 * listens on), handed to `onStarted`; both are closed after all its tests.
 */
export function useCentralWithUpstream(onStarted: (started: CentralWithUpstream) => void): void {
  let upstream: RecordingUpstream | undefined;
  let central: CentralUnderTest | undefined;
  beforeAll(async () => {
    upstream = await startUpstream();
    const downUpstream = `http://127.0.0.1:${await freePort()}`;
    central = await startCentral({ yaml: testConfigYaml({ upstream: upstream.url, downUpstream }) });
    onStarted({ upstream, central });
  });
  afterAll(async () => {
    await central?.close();
    await upstream?.close();
  });
}

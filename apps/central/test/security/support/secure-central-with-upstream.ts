import { afterAll, beforeAll } from "vitest";
import { type SecureCentral, startSecureCentral } from "./central.ts";
import { securityConfigYaml } from "./config.ts";
import { startWatchedUpstream, type WatchedUpstream } from "./upstream.ts";

export interface SecureCentralWithUpstream {
  upstream: WatchedUpstream;
  central: SecureCentral;
}

/**
 * For one test file: before all its tests, a watched upstream and a secure
 * central on securityConfigYaml routed to it, handed to `onStarted`; both are
 * closed after all its tests.
 */
export function useSecureCentralWithUpstream(onStarted: (started: SecureCentralWithUpstream) => void): void {
  let upstream: WatchedUpstream | undefined;
  let central: SecureCentral | undefined;
  beforeAll(async () => {
    upstream = await startWatchedUpstream();
    central = await startSecureCentral({ yaml: securityConfigYaml({ upstream: upstream.url }) });
    onStarted({ upstream, central });
  });
  afterAll(async () => {
    await central?.close();
    await upstream?.close();
  });
}

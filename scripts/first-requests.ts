// The first requests `./gw dev` prints: one per capability a newcomer should see work (auth, a
// limit, a cached route, REST → gRPC, API keys). tests/e2e/test/first-run.test.ts runs the printed
// lines as they are, so every command here must work when pasted in order into a shell.

export interface FirstRequestsOptions {
  /** The edge's base URL. */
  edge: string;
  /** Prefix of `./gw token` so it signs with this stack's issuer key (e.g. GW_STATE_DIR=…), or "". */
  tokenEnv: string;
  /** Prefix of `./gw keys` for this stack's admin API, or "". */
  keysEnv: string;
  /** A key of the `demo` consumer. */
  demoKey: string;
  /** A key of the `trial` consumer (partner-trial plan); without it the 429 demo is left out. */
  trialKey?: string;
}

/** `command   # what it shows`, one per line, in the order they are meant to run. */
export function firstRequests(o: FirstRequestsOptions): string[] {
  const auth = `-H "Authorization: Bearer $TOKEN"`;
  const lines: Array<[string, string]> = [
    [
      `TOKEN=$(${o.tokenEnv}./gw token --sub alice --roles admin --scopes users:read)`,
      "a JWT from the dev issuer",
    ],
    [`curl -s ${auth} ${o.edge}/api/users/me`, "auth: the identity the service verified"],
    [`curl -s -i ${o.edge}/api/users | head -1`, "401 without a token"],
    [`curl -s ${o.edge}/api/public/hello`, "a public route"],
    [
      `curl -s -D - -o /dev/null ${auth} ${o.edge}/api/users/me | grep -i '^ratelimit'`,
      "central's exact limit for alice (RateLimit headers)",
    ],
  ];
  if (o.trialKey !== undefined) {
    lines.push([
      `for i in 1 2 3 4 5 6 7; do curl -s -o /dev/null -w '%{http_code} ' -H "X-API-Key: ${o.trialKey}" ${o.edge}/api/partners/me; done; echo`,
      'consumer "trial" on the partner-trial plan (5 a minute): 200 ×5, then 429',
    ]);
  }
  const cached = `curl -s -D - -o /dev/null ${o.edge}/api/catalog/hello | grep -i '^x-cache'`;
  lines.push(
    [cached, "cached at the edge: MISS"],
    [cached, "then HIT (for 30 s)"],
    [`curl -s ${auth} ${o.edge}/api/orders/v1/orders/o-1`, "REST → gRPC (demo-orders)"],
    [`curl -s -H "X-API-Key: ${o.demoKey}" ${o.edge}/api/partners/me`, 'an API key of consumer "demo"'],
    [`${o.keysEnv}./gw keys list demo`, "consumers and keys (admin API)"],
  );
  return lines.map(([command, comment]) => `${command}   # ${comment}`);
}

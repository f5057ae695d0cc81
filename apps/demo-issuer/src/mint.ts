import { parseArgs } from "node:util";
import { readAudience, readIssuerConfig } from "./config.ts";
import { createIssuer } from "./issuer.ts";
import { loadOrCreateIssuerKeys } from "./key-file.ts";
import { parseTokenRequest, type TokenRequest } from "./token-request.ts";

const USAGE = `usage: ./gw token [--sub alice] [--roles admin,ops] [--scopes users:read]
                  [--ttl 3600] [--tenant acme] [--aud gateway-api]
Prints a token signed with the dev issuer's key to stdout. The key file is
$DEMO_ISSUER_KEYS_FILE, else $GW_STATE_DIR/issuer-keys.json, else .dev/issuer-keys.json:
the same one \`./gw dev\` (with the same GW_STATE_DIR) gives its issuer.`;

function fail(message: string): never {
  process.stderr.write(`mint: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function listOf(value: string | undefined): string[] | undefined {
  return value
    ?.split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

function tokenRequestFromArgv(argv: string[]): TokenRequest {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        sub: { type: "string", default: "alice" },
        roles: { type: "string" },
        scopes: { type: "string" },
        ttl: { type: "string" },
        tenant: { type: "string" },
        aud: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const text = (name: string) => values[name] as string | undefined;
  const ttl = text("ttl");
  const aud = text("aud");
  const parsed = parseTokenRequest({
    sub: text("sub"),
    roles: listOf(text("roles")),
    scopes: listOf(text("scopes")),
    ttlSeconds: ttl === undefined ? undefined : Number(ttl),
    tenant: text("tenant"),
    audience: aud === undefined ? undefined : readAudience(aud),
  });
  if (!parsed.ok) fail(parsed.message);
  return parsed.value;
}

const request = tokenRequestFromArgv(process.argv.slice(2));
const config = readIssuerConfig(process.env);
const issuer = createIssuer({
  issuer: config.issuer,
  audience: config.audience,
  keys: await loadOrCreateIssuerKeys(config.keysFile),
});
const { access_token } = await issuer.mint(request);
process.stdout.write(`${access_token}\n`);

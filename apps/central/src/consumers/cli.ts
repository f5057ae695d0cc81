// `./gw keys …`: manage consumers and API keys through central's admin API.
// CENTRAL_ADMIN_URL (default http://127.0.0.1:$CENTRAL_ADMIN_PORT, port 8089) and
// CENTRAL_ADMIN_TOKEN (default: the dev stack's, from $GW_STATE_DIR/consumer-secrets.json).
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const USAGE = `usage: ./gw keys <command> [arguments]
  consumers                                   list consumers
  add-consumer <id> --name N [--roles a,b] [--scopes x,y] [--tenant T] [--rate-limit p1,p2]
  update-consumer <id> [--name N] [--roles a,b] [--scopes x,y] [--tenant T] [--rate-limit p1,p2]
  remove-consumer <id>                        delete a consumer and all its keys
  create <consumer> [--expires-in SECONDS] [--env live|test]
                                              issue a key (the key is printed once, now)
  list <consumer>                             the consumer's keys (prefix, status, expiry, last use)
  rotate <key-id> [--overlap SECONDS] [--expires-in SECONDS]
                                              issue a new key; the old one expires after the overlap (default 86400)
  revoke <key-id>                             refuse the key from now on (edges: within apiKeys.cacheTtlSeconds)
env: CENTRAL_ADMIN_URL, CENTRAL_ADMIN_TOKEN (defaults: the local dev stack)`;

const REPO_ROOT = resolve(fileURLToPath(new URL("../../../..", import.meta.url)));

function fail(message: string, code = 2): never {
  console.error(`gw keys: ${message}`);
  process.exit(code);
}

function adminToken(): string {
  const fromEnv = process.env.CENTRAL_ADMIN_TOKEN;
  if (fromEnv) return fromEnv;
  const file = join(resolve(process.env.GW_STATE_DIR ?? join(REPO_ROOT, ".dev")), "consumer-secrets.json");
  if (!existsSync(file))
    fail("CENTRAL_ADMIN_TOKEN is not set and there is no dev stack state (start ./gw dev)");
  return (JSON.parse(readFileSync(file, "utf8")) as { adminToken: string }).adminToken;
}

function adminUrl(): string {
  const url = process.env.CENTRAL_ADMIN_URL || `http://127.0.0.1:${process.env.CENTRAL_ADMIN_PORT || "8089"}`;
  return url.replace(/\/+$/, "");
}

const list = (value: string | undefined) =>
  value === undefined
    ? undefined
    : value
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean);
const int = (value: string | undefined, flag: string) => {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) fail(`${flag} must be a whole number of seconds`);
  return Number(value);
};

async function call(method: string, path: string, body?: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${adminUrl()}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken()}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    fail(`cannot reach the admin API at ${adminUrl()} (is central running with CENTRAL_ADMIN_TOKEN set?)`, 1);
  }
  if (response.status === 204) return undefined;
  const payload = (await response.json().catch(() => undefined)) as
    | { error?: { code: string; message: string } }
    | undefined;
  if (!response.ok) {
    fail(
      `${response.status} ${payload?.error?.code ?? ""}: ${payload?.error?.message ?? "unexpected answer"}`,
      1,
    );
  }
  return payload;
}

function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

const print = (value: unknown) => console.log(JSON.stringify(value, null, 2));

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: "string" },
      roles: { type: "string" },
      scopes: { type: "string" },
      tenant: { type: "string" },
      "rate-limit": { type: "string" },
      "expires-in": { type: "string" },
      overlap: { type: "string" },
      env: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, target] = positionals;
  if (values.help || command === undefined || command === "help") {
    console.log(USAGE);
    return;
  }
  const need = () => target ?? fail(`${command} needs an argument\n${USAGE}`);
  const consumerFields = () =>
    defined({
      name: values.name,
      roles: list(values.roles),
      scopes: list(values.scopes),
      tenant: values.tenant,
      rateLimit: list(values["rate-limit"]),
    });
  const id = (value: string) => encodeURIComponent(value);
  switch (command) {
    case "consumers":
      return print(await call("GET", "/v1/consumers"));
    case "add-consumer":
      return print(await call("POST", "/v1/consumers", { id: need(), ...consumerFields() }));
    case "update-consumer":
      return print(await call("PATCH", `/v1/consumers/${id(need())}`, consumerFields()));
    case "remove-consumer":
      await call("DELETE", `/v1/consumers/${id(need())}`);
      return console.log(`removed consumer ${target} and its keys`);
    case "create":
    case "rotate": {
      const body = defined({
        expiresInSeconds: int(values["expires-in"], "--expires-in"),
        environment: values.env,
        ...(command === "rotate" ? { overlapSeconds: int(values.overlap, "--overlap") } : {}),
      });
      const path =
        command === "create" ? `/v1/consumers/${id(need())}/keys` : `/v1/keys/${id(need())}/rotate`;
      const created = (await call("POST", path, body)) as { key: string };
      print(created);
      console.error("\nThe key above is shown only this once: store it now.");
      return;
    }
    case "list":
      return print(await call("GET", `/v1/consumers/${id(need())}/keys`));
    case "revoke":
      return print(await call("POST", `/v1/keys/${id(need())}/revoke`));
    default:
      fail(`unknown command "${command}"\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => fail((error as Error).message, 1));

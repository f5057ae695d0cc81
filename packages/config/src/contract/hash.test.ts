import { describe, expect, it } from "vitest";
import { compileCentral, compileEdge } from "../compile.ts";
import { parseConfig } from "../parse-config.ts";
import { canonicalJson } from "./canonical-json.ts";
import { configHash, contractHash } from "./hash.ts";
import { centralContract, edgeContract } from "./tier-contract.ts";

const BASE = `version: 1
routes:
  - { name: users, path: /api/users, auth: public, upstream: http://127.0.0.1:8081, timeoutMs: 5000 }
`;
const central = (yaml: string) => compileCentral(parseConfig(yaml, {}));

describe("config and contract hashes", () => {
  it("canonical JSON ignores key order, keeps array order", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: undefined } })).toBe('{"a":{"d":[2,1]},"b":1}');
    expect(canonicalJson({ a: { d: [2, 1] }, b: 1 })).toBe(canonicalJson({ b: 1, a: { d: [2, 1] } }));
  });

  it("the config hash follows what central runs, not the file's layout", () => {
    const relaidOut = `# a comment\nversion: 1\nroutes:\n  - timeoutMs: 5000\n    upstream: http://127.0.0.1:8081\n    auth: public\n    path: /api/users\n    name: users\n`;
    expect(configHash(central(BASE))).toMatch(/^[0-9a-f]{12}$/);
    expect(configHash(central(relaidOut))).toBe(configHash(central(BASE)));
    expect(configHash(central(BASE.replace("5000", "6000")))).not.toBe(configHash(central(BASE)));
  });

  it("the contract hash ignores central-only settings and is the same from either tier", () => {
    const moved = BASE.replace("8081", "9000").replace("5000", "6000");
    expect(contractHash(centralContract(central(moved)))).toBe(contractHash(centralContract(central(BASE))));
    expect(contractHash(edgeContract(compileEdge(parseConfig(BASE, {}))))).toBe(
      contractHash(centralContract(central(BASE))),
    );
    expect(contractHash(centralContract(central(BASE.replace("/api/users,", "/api/people,"))))).not.toBe(
      contractHash(centralContract(central(BASE))),
    );
  });
});

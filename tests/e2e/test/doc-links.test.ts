// scripts/check-doc-links.ts: what counts as a broken path in a Markdown file.
import { describe, expect, it } from "vitest";
import { checkMarkdown, indexRepo } from "../../../scripts/check-doc-links.ts";

const repo = indexRepo([
  "README.md",
  "docs/DESIGN.md",
  "apps/central/src/server.ts",
  "apps/edge/wrangler.jsonc",
]);
const broken = (text: string) => checkMarkdown("docs/example.md", text, repo).map((link) => link.target);

describe("docs link check", () => {
  it("flags relative links and backticked repo paths that do not exist", () => {
    expect(
      broken(
        [
          "See [design](DESIGN.md), [readme](../README.md#two-commands) and [gone](missing.md).",
          "The Worker config is `apps/edge/wrangler.jsonc`, not `apps/edge/wrangler.toml`.",
          "Sources live in `seeds/` beside this file; `src/server.ts` is central's listener.",
        ].join("\n"),
      ),
    ).toEqual(["missing.md", "apps/edge/wrangler.toml", "seeds/"]);
  });

  it("ignores URLs, anchors, MIME types, URL paths, globs, placeholders and code blocks", () => {
    expect(
      broken(
        [
          "[rfc](https://www.rfc-editor.org/rfc/rfc9209) [top](#layout) `application/json` `/api/users/me`",
          "`apps/demo-*/` `<dir>/src/main.ts` `.dev/issuer-keys.json` `apps/central/src/server.ts:42`",
          "```sh",
          "cat docs/nothing-here.md `apps/nowhere.ts`",
          "```",
        ].join("\n"),
      ),
    ).toEqual([]);
  });
});

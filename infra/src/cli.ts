// node infra/src/cli.ts — validates everything under infra/ statically; exit 1 on any problem.
import { fileURLToPath } from "node:url";
import { validateInfra } from "./validate-all.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const problems = await validateInfra(root);
for (const { file, message } of problems) console.error(`${file}: ${message}`);
console.log(problems.length === 0 ? "infra: ok" : `infra: ${problems.length} problem(s)`);
process.exit(problems.length === 0 ? 0 : 1);

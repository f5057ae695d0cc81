import { identityContract } from "./contract.ts";

identityContract();

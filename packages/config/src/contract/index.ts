export { canonicalJson } from "./canonical-json.ts";
export {
  type ContractIssue,
  type ContractRoute,
  centralContract,
  compareContracts,
  edgeContract,
  type TierContract,
} from "./tier-contract.ts";

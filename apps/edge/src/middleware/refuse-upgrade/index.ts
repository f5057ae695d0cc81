export { createRefuseUpgrade } from "./refuse-upgrade.ts";

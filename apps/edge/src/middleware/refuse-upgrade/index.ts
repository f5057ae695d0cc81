export { createRefuseUpgrade, rejectWebSocketUpgrade } from "./refuse-upgrade.ts";

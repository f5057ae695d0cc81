import { nodeScriptsIn } from "@gateway/testing";

/** runScript / startMain / stopWithSigterm for this app's src/ scripts. */
export const { runScript, startMain, stopWithSigterm } = nodeScriptsIn(new URL("../src/", import.meta.url));

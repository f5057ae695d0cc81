// Prints a TCP port that is free on 127.0.0.1 right now.
import { freePort } from "../packages/testing/src/ports/free-port.ts";

console.log(await freePort());

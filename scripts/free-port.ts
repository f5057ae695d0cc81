// Prints a TCP port that is free on 127.0.0.1 right now.
import { freePort } from "@gateway/testing/free-port";

console.log(await freePort());

// Prints a TCP port that is free on 127.0.0.1 right now.
import { createServer } from "node:net";

const server = createServer();
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  if (address && typeof address === "object") console.log(address.port);
  server.close();
});

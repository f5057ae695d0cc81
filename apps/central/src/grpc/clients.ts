import { type ChannelOptions, Client, credentials } from "@grpc/grpc-js";

export interface GrpcClients {
  /** The client (one HTTP/2 channel) for an address, created once and reused by every route naming it. */
  get(address: string, tls: boolean): Client;
  close(): void;
}

/** Keepalive pings on an idle-but-open channel notice a dead server before a request does. */
export const CHANNEL_OPTIONS: ChannelOptions = {
  "grpc.keepalive_time_ms": 30_000,
  "grpc.keepalive_timeout_ms": 10_000,
  "grpc.keepalive_permit_without_calls": 0,
  "grpc.max_receive_message_length": 16 * 1024 * 1024,
};

export function createGrpcClients(options: ChannelOptions = CHANNEL_OPTIONS): GrpcClients {
  const clients = new Map<string, Client>();
  return {
    get(address, tls) {
      const key = `${tls ? "tls" : "plain"} ${address}`;
      let client = clients.get(key);
      if (client === undefined) {
        client = new Client(address, tls ? credentials.createSsl() : credentials.createInsecure(), options);
        clients.set(key, client);
      }
      return client;
    },
    close() {
      for (const client of clients.values()) client.close();
      clients.clear();
    },
  };
}

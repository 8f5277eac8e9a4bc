import { randomBytes } from "node:crypto";
import { type AddressInfo, type Server, type Socket, createServer } from "node:net";

/**
 * The embedded broker `npm start` runs when no NATS server is there: a small
 * process of our own that speaks the subset of NATS's client protocol the
 * graph uses, so units (and a gateway listening to the broker) use the one
 * NATS client against either. Subset: INFO, CONNECT, PING/PONG, SUB, UNSUB
 * (with max), PUB, MSG, +OK/-ERR, subject wildcards `*` and `>`. Not
 * supported: headers (HPUB), queue groups, authentication, TLS, clustering,
 * JetStream. Like core NATS it keeps nothing: a message goes to the
 * subscribers connected at that moment; the units' outboxes are what keeps
 * events safe while a broker is away.
 */
export const MAX_PAYLOAD = 1024 * 1024;

interface Client {
  socket: Socket;
  verbose: boolean;
  subs: Map<string, { subject: string[]; left: number | null }>;
  buffer: Buffer;
}

export interface EmbeddedBroker {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Whether `subject` (tokens) matches `pattern` (tokens, with `*` one token and a trailing `>` one or more). */
export function subjectMatches(pattern: readonly string[], subject: readonly string[]): boolean {
  for (let i = 0; i < pattern.length; i += 1) {
    if (pattern[i] === ">") return subject.length > i;
    if (i >= subject.length) return false;
    if (pattern[i] !== "*" && pattern[i] !== subject[i]) return false;
  }
  return pattern.length === subject.length;
}

function validSubject(tokens: readonly string[], wildcards: boolean): boolean {
  return tokens.every((t, i) => t.length > 0 && (wildcards ? (t === ">" ? i === tokens.length - 1 : !t.includes(">")) : !t.includes("*") && !t.includes(">")));
}

export function startEmbeddedBroker(port: number, host = "127.0.0.1"): Promise<EmbeddedBroker> {
  const clients = new Set<Client>();
  const serverId = randomBytes(8).toString("hex");

  const send = (c: Client, text: string) => {
    if (!c.socket.destroyed) c.socket.write(text);
  };
  const fail = (c: Client, message: string) => {
    send(c, `-ERR '${message}'\r\n`);
    c.socket.end();
  };

  const deliver = (subject: string, payload: Buffer) => {
    const tokens = subject.split(".");
    for (const c of clients) {
      for (const [sid, sub] of c.subs) {
        if (!subjectMatches(sub.subject, tokens)) continue;
        c.socket.write(`MSG ${subject} ${sid} ${payload.length}\r\n`);
        c.socket.write(Buffer.concat([payload, Buffer.from("\r\n")]));
        if (sub.left !== null && (sub.left -= 1) <= 0) c.subs.delete(sid);
      }
    }
  };

  /** Handles what is complete in the client's buffer; returns false once the connection is finished. */
  const handle = (c: Client): void => {
    for (;;) {
      const eol = c.buffer.indexOf("\r\n");
      if (eol < 0) {
        if (c.buffer.length > 4096) fail(c, "Maximum Control Line Exceeded");
        return;
      }
      const line = c.buffer.subarray(0, eol).toString("utf8");
      const [op = "", ...args] = line.split(/[ \t]+/).filter((a) => a !== "");
      switch (op.toUpperCase()) {
        case "PUB": {
          const size = Number(args[args.length - 1]);
          if (args.length < 2 || args.length > 3 || !Number.isInteger(size) || size < 0) return fail(c, "Unknown Protocol Operation");
          if (size > MAX_PAYLOAD) return fail(c, "Maximum Payload Violation");
          if (c.buffer.length < eol + 2 + size + 2) return; // wait for the whole payload
          const payload = c.buffer.subarray(eol + 2, eol + 2 + size);
          c.buffer = c.buffer.subarray(eol + 2 + size + 2);
          if (!validSubject(args[0].split("."), false)) {
            send(c, "-ERR 'Invalid Publish Subject'\r\n");
            continue;
          }
          deliver(args[0], Buffer.from(payload));
          if (c.verbose) send(c, "+OK\r\n");
          continue;
        }
        case "SUB": {
          // SUB <subject> [queue group] <sid>: queue groups are not part of the subset.
          if (args.length !== 2) return fail(c, args.length === 3 ? "Queue groups are not supported by the embedded broker" : "Unknown Protocol Operation");
          const tokens = args[0].split(".");
          if (!validSubject(tokens, true)) send(c, "-ERR 'Invalid Subject'\r\n");
          else {
            c.subs.set(args[1], { subject: tokens, left: null });
            if (c.verbose) send(c, "+OK\r\n");
          }
          break;
        }
        case "UNSUB": {
          const sub = c.subs.get(args[0]);
          if (sub && args[1] !== undefined && Number(args[1]) > 0) sub.left = Number(args[1]);
          else c.subs.delete(args[0]);
          if (c.verbose) send(c, "+OK\r\n");
          break;
        }
        case "PING":
          send(c, "PONG\r\n");
          break;
        case "PONG":
          break;
        case "CONNECT": {
          try {
            const options = JSON.parse(line.slice(line.indexOf("{"))) as { verbose?: boolean; headers?: boolean };
            c.verbose = Boolean(options.verbose);
            if (c.verbose) send(c, "+OK\r\n");
          } catch {
            return fail(c, "Invalid CONNECT");
          }
          break;
        }
        case "":
          break;
        default:
          return fail(c, `Unknown Protocol Operation`);
      }
      c.buffer = c.buffer.subarray(eol + 2);
    }
  };

  const server = createServer((socket) => {
    const client: Client = { socket, verbose: false, subs: new Map(), buffer: Buffer.alloc(0) };
    clients.add(client);
    socket.setNoDelay(true);
    const info = { server_id: serverId, server_name: "customer-graph-embedded-broker", version: "2.0.0", proto: 1, go: "none", host, port, headers: false, max_payload: MAX_PAYLOAD };
    socket.write(`INFO ${JSON.stringify(info)}\r\n`);
    socket.on("data", (chunk: Buffer) => {
      client.buffer = client.buffer.length === 0 ? chunk : Buffer.concat([client.buffer, chunk]);
      handle(client);
    });
    socket.on("error", () => socket.destroy());
    socket.on("close", () => clients.delete(client));
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const bound = (server.address() as AddressInfo).port;
      resolve({
        server,
        port: bound,
        url: `nats://${host}:${bound}`,
        close: () =>
          new Promise<void>((done) => {
            for (const c of clients) c.socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

import { startEmbeddedBroker } from "../kit/events/embedded-broker";

/**
 * The embedded event broker's process, started by `npm start` when no NATS
 * server answers at the units' broker URL: `node dist/scripts/embedded-broker.js <port> [host]`.
 * A process of its own, so the units (separate processes) share it as they
 * would share a nats-server.
 */
const [portArg = "4222", host = "127.0.0.1"] = process.argv.slice(2);
startEmbeddedBroker(Number(portArg), host).then(
  (broker) => {
    process.stdout.write(`${JSON.stringify({ level: "info", msg: "embedded event broker listening (NATS protocol subset)", url: broker.url })}\n`);
    const stop = () => void broker.close().then(() => process.exit(0));
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  },
  (err: unknown) => {
    process.stderr.write(`embedded broker failed to start: ${(err as Error).message}\n`);
    process.exit(1);
  },
);

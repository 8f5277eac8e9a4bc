import { connect } from "node:net";

/** Whether a NATS-protocol server answers at `url` (it greets every connection with an INFO line). */
export function brokerAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("error", () => done(false));
    socket.once("data", (chunk: Buffer) => done(chunk.toString("utf8").startsWith("INFO ")));
  });
}

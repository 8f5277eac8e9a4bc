import { connect } from "node:net";

/**
 * A slow client: connects, writes `head` at once, then `dripped` one byte
 * every `everyMs`, and resolves with the raw HTTP answer the server sent
 * before closing the connection (status line, headers and body).
 */
export function drip(port: number, head: string, dripped: string, everyMs = 250): Promise<{ status: number; body: any; raw: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let raw = "";
    let at = 0;
    const timer = setInterval(() => {
      if (at < dripped.length && socket.writable) socket.write(dripped[at++]);
    }, everyMs);
    const give = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server held a dripping client for 30 s; it answered: ${raw || "nothing"}`));
    }, 30_000);
    socket.on("connect", () => socket.write(head));
    socket.on("data", (chunk) => (raw += chunk.toString("utf8")));
    socket.on("error", () => undefined); // the server may reset what is still being sent
    socket.on("close", () => {
      clearInterval(timer);
      clearTimeout(give);
      const text = raw.slice(raw.indexOf("\r\n\r\n") + 4);
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* keep the text */
      }
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0), body, raw });
    });
  });
}

import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Logger } from "../../kit/log";
import { eventually } from "../../test/support/eventually";
import { subgraphsOf, supergraphSource } from "./supergraph";

describe("supergraph source", () => {
  it("names the subgraphs of a supergraph with their URLs", () => {
    const sdl = readFileSync(join(__dirname, "..", "..", "schema", "supergraph.graphql"), "utf8");
    expect(subgraphsOf(sdl).map((s) => s.name).sort()).toEqual(["billing", "bookings", "promotions", "retail"]);
    expect(subgraphsOf(sdl).every((s) => /^http:\/\/.+\/graphql$/.test(s.url))).toBe(true);
  });

  it("polls a URL, hands each new text to update, and reports a refused one once", async () => {
    let served = "v1";
    const server = createServer((_req, res) => res.end(served));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/supergraph.graphql`;
    const lines: string[] = [];
    const logger: Logger = { info: (_f, m) => lines.push(m), warn: (_f, m) => lines.push(m), error: (_f, m) => lines.push(m) };
    const updates: string[] = [];
    const update = (sdl: string) => {
      if (sdl.startsWith("bad")) throw new Error("invalid supergraph\nwith details");
      updates.push(sdl);
    };
    const hook = supergraphSource({ path: "unused", watch: false, url, pollMs: 50, logger });
    let cleanup: (() => Promise<void>) | undefined;
    try {
      const loaded = await hook({ update, healthCheck: async () => undefined, getDataSource: () => ({}) as never });
      cleanup = loaded.cleanup;
      const supergraphSdl = loaded.supergraphSdl;
      expect(supergraphSdl).toBe("v1");
      served = "v2";
      await eventually("v2 handed to update", () => updates.length === 1);
      expect(updates).toEqual(["v2"]);
      served = "bad v3";
      await eventually("bad v3 refused", () => lines.includes("supergraph refused; still serving the previous one"));
      await new Promise((r) => setTimeout(r, 200)); // several more polls of the same bad text
      expect(lines.filter((l) => l.startsWith("supergraph refused"))).toHaveLength(1);
      expect(updates).toEqual(["v2"]);
    } finally {
      await cleanup?.();
      server.closeAllConnections();
      server.close();
    }
  });
});

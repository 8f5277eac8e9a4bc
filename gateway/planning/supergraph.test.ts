import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "../../kit/log";
import { eventually } from "../../test/support/eventually";
import { fieldUnitsOf, subgraphsOf, supergraphSource } from "./supergraph";

describe("supergraph source", () => {
  it("names the subgraphs of a supergraph with their URLs", () => {
    const sdl = readFileSync(join(__dirname, "..", "..", "schema", "supergraph.graphql"), "utf8");
    expect(
      subgraphsOf(sdl)
        .map((s) => s.name)
        .sort(),
    ).toEqual(["billing", "bookings", "care", "promotions", "retail"]);
    expect(subgraphsOf(sdl).every((s) => /^http:\/\/.+\/graphql$/.test(s.url))).toBe(true);
  });

  it("follows a Kubernetes ConfigMap volume: the kubelet's swap of the ..data symlink hands the new text to update", async () => {
    // The kubelet's atomic writer: files in a timestamped folder, `..data` pointing at it, each
    // key a symlink through `..data`; an update writes a new folder and renames a new `..data` over the old.
    const dir = mkdtempSync(join(tmpdir(), "cg-configmap-"));
    const version = (name: string, text: string) => {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, "supergraph.graphql"), text);
      symlinkSync(name, join(dir, "..data_tmp"));
      renameSync(join(dir, "..data_tmp"), join(dir, "..data"));
    };
    version("..2026_01_01_00_00_00.1", "v1");
    symlinkSync(join("..data", "supergraph.graphql"), join(dir, "supergraph.graphql"));
    const logger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const updates: string[] = [];
    const hook = supergraphSource({ path: join(dir, "supergraph.graphql"), watch: true, url: "", pollMs: 1000, logger });
    let cleanup: (() => Promise<void>) | undefined;
    try {
      const loaded = await hook({ update: (sdl) => updates.push(sdl), healthCheck: async () => undefined, getDataSource: () => ({}) as never });
      cleanup = loaded.cleanup;
      expect(loaded.supergraphSdl).toBe("v1");
      // Twice: a watch on the file itself would hear the first swap (its old target deleted) and no more.
      version("..2026_01_01_00_01_00.2", "v2");
      rmSync(join(dir, "..2026_01_01_00_00_00.1"), { recursive: true });
      await eventually("v2 handed to update", () => updates.length === 1);
      version("..2026_01_01_00_02_00.3", "v3");
      rmSync(join(dir, "..2026_01_01_00_01_00.2"), { recursive: true });
      await eventually("v3 handed to update", () => updates.length === 2);
      expect(updates).toEqual(["v2", "v3"]);
    } finally {
      await cleanup?.();
      rmSync(dir, { recursive: true, force: true });
    }
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

describe("the units that resolve each field (the graph's own supergraph)", () => {
  const units = fieldUnitsOf(readFileSync(join(__dirname, "..", "..", "schema", "supergraph.graphql"), "utf8"));

  it("lists a root field's units in the supergraph's order of units", () => {
    expect(units.get("Query.me")).toEqual(["billing", "bookings", "promotions", "retail"]);
    expect(units.get("Query.customer")).toEqual(["billing"]);
  });

  it("counts a key field for every unit of the type, and neither an @external nor a @requires field for the unit that reads it", () => {
    expect(units.get("Customer.id")).toEqual(["billing", "bookings", "care", "promotions", "retail"]);
    expect(units.get("Customer.stayCount")).toEqual(["bookings"]);
    expect(units.get("Customer.offers")).toEqual([]);
  });
});

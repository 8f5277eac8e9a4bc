import type { ApolloServerPlugin } from "@apollo/server";
import type { GatewayContext } from "../context";
import type { FederationGateway } from "../federation-gateway";
import { DemandControl } from "../admission/demand-control";
import { cacheHeadersWriter } from "./cache-headers";
import { type FastPath, answerBytes, fastPath } from "./fast-path";

/**
 * When the fast path steps aside for good: what it answers while on is
 * compared with Apollo Server's in test/e2e/fast-path.test.ts.
 */
describe("the fast path steps aside", () => {
  const make = (): FastPath =>
    fastPath({
      apollo: () => {
        throw new Error("not used");
      },
      gateway: {} as FederationGateway,
      schema: () => null,
      formatError: (formatted) => formatted,
      cacheHeaders: cacheHeadersWriter(),
      unitHeaders: false,
      demand: new DemandControl({ anonymous: 1, partner: 1, customer: 1, agent: 1 }, 10, () => null, { refused: () => undefined, measured: () => undefined }),
      provenance: true,
      errorPlugins: [],
      csrfHeaders: ["apollo-require-preflight"],
    });
  const ours: ApolloServerPlugin<GatewayContext> = { requestDidStart: async () => undefined };

  it("stays on when Apollo has only the gateway's plugins and its own recorder", async () => {
    const path = make();
    expect(path.honours([ours, path.plugin], [ours])).toBe(true);
    await path.plugin.serverWillStart?.({ apollo: { key: undefined, graphRef: undefined } } as never);
    expect(path.off).toBeNull();
    expect(await path.plugin.requestDidStart?.({} as never)).toBeDefined();
  });

  it("for a plugin it does not know", () => {
    const path = make();
    const theirs: ApolloServerPlugin<GatewayContext> = { requestDidStart: async () => undefined };
    expect(path.honours([ours, theirs, path.plugin], [ours])).toBe(false);
    expect(path.off).toMatch(/plugins the fast path does not know/);
  });

  it("when Apollo reports usage (a key and a graph ref), and then records nothing", async () => {
    const path = make();
    await path.plugin.serverWillStart?.({ apollo: { key: "service:x", graphRef: "graph@current" } } as never);
    expect(path.off).toMatch(/usage reporting/);
    expect(await path.plugin.requestDidStart?.({} as never)).toBeUndefined();
  });

  it("once the gateway is closing: every request goes to Apollo", async () => {
    const path = make();
    path.stop();
    expect(path.off).toBe("stopped");
    expect(await path.answer({} as never, {} as never, {} as never, () => Promise.reject(new Error("not asked")))).toBe(false);
  });
});

describe("the answer's bytes", () => {
  it("are Apollo's text (the JSON and a newline) in UTF-8, whatever the characters", () => {
    // One byte, two, three and four (a surrogate pair), and JSON's escapes: the length is counted in bytes, not characters.
    const answer = { data: { name: "Zoë Łukasiewicz", price: "12,00 €", note: '🏨 "quiet"\n\\' }, errors: undefined };
    const bytes = answerBytes(answer);
    expect(bytes.toString("utf8")).toBe('{"data":{"name":"Zoë Łukasiewicz","price":"12,00 €","note":"🏨 \\"quiet\\"\\n\\\\"}}\n');
    // 80 characters (the hotel is two), 86 bytes: ë and Ł take two, € three, the hotel four.
    expect(bytes.length).toBe(86);
    expect(JSON.parse(bytes.toString("utf8"))).toEqual({ data: answer.data });
  });

  it("of a large answer, built by JSON.stringify in pieces, are whole", () => {
    const data = { customers: Array.from({ length: 5000 }, (_, i) => ({ id: `C${i}`, name: i % 2 ? "Ana Müller" : "Kai" })) };
    const bytes = answerBytes({ data });
    expect(bytes.length).toBeGreaterThan(64 * 1024);
    expect(bytes[bytes.length - 1]).toBe(0x0a);
    expect(JSON.parse(bytes.toString("utf8"))).toEqual({ data });
  });
});

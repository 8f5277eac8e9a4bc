import { ConfigError } from "../kit/config";
import { loadGatewayConfig } from "./config";

describe("gateway config", () => {
  it("reads per-subgraph URL and timeout overrides by lower-case name", () => {
    const config = loadGatewayConfig({ SUBGRAPH_LEDGER_URL: "http://ledger:4100/graphql", SUBGRAPH_LEDGER_TIMEOUT_MS: "750", SUBGRAPH_SHOP_FRONT_TIMEOUT_MS: "300" });
    expect(config.subgraphUrls).toEqual(new Map([["ledger", "http://ledger:4100/graphql"]]));
    expect(config.subgraphTimeouts).toEqual(
      new Map([
        ["ledger", 750],
        ["shop_front", 300],
      ]),
    );
    expect(config.GATEWAY_SUBGRAPH_TIMEOUT_MS).toBe(5000);
    expect(config.SUPERGRAPH_URL).toBe("");
  });

  it("lists every bad key at once, overrides included", () => {
    try {
      loadGatewayConfig({ GATEWAY_REQUEST_DEADLINE_MS: "soon", SUBGRAPH_LEDGER_TIMEOUT_MS: "5", SUBGRAPH_LEDGER_URL: "ftp://x", SUPERGRAPH_URL: "nope" });
      throw new Error("expected a ConfigError");
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toHaveLength(4);
      expect((err as Error).message).toMatch(/SUBGRAPH_LEDGER_TIMEOUT_MS: expected 50..120000, got 5/);
    }
  });
});

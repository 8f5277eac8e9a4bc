import { Supergraph } from "@apollo/federation-internals";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, print } from "graphql";
import { acceptsIncremental } from "../../kit/incremental";
import { clientLabel, labelDefers, objectsAt, partOperation, primaryOperation } from "./incremental";

const api = Supergraph.build(readFileSync(join(__dirname, "..", "..", "schema", "supergraph.graphql"), "utf8")).apiSchema();

describe("@defer's parts", () => {
  const document = labelDefers(parse(`query Q($late: Boolean!) { customer(id: "C1") { name ... @defer(label: "slow") { offers { code } ... @defer { stayCount } } ... @defer(if: $late) { email } } }`));

  it("labels every @defer, keeping the client's labels and hiding the generated ones", () => {
    const labels = [...print(document).matchAll(/label: "([^"]+)"/g)].map((m) => m[1]);
    expect(labels[0]).toBe("slow");
    expect(labels).toHaveLength(3);
    expect(clientLabel(labels[1])).toBeUndefined();
    expect(labelDefers(document)).toBe(document);
  });

  it("shapes the primary part without the active deferred fragments (an `if: false` one stays in it)", () => {
    expect(primaryOperation(api, document, "Q", { late: true }).toString()).not.toMatch(/offers|email|stayCount/);
    const inline = primaryOperation(api, document, "Q", { late: false }).toString();
    expect(inline).toMatch(/email/);
    expect(inline).not.toMatch(/offers/);
  });

  it("shapes a deferred part by its own fragment only, with the path to it", () => {
    const part = partOperation(api, document, "Q", { late: true }, "slow")!;
    expect(part.path).toEqual(["customer"]);
    expect(part.operation.toString()).toMatch(/offers/);
    expect(part.operation.toString()).not.toMatch(/name|stayCount|email/);
  });

  it("finds the objects a part lands on, lists expanded to concrete paths", () => {
    expect(objectsAt({ a: [{ b: { x: 1 } }, { b: null }] }, ["a", "b"])).toEqual([
      { data: { x: 1 }, path: ["a", 0, "b"] },
      { data: null, path: ["a", 1, "b"] },
    ]);
  });

  it("takes incremental delivery only when the client asks for deferSpec=20220824", () => {
    expect(acceptsIncremental("multipart/mixed;deferSpec=20220824,application/json")).toBe(true);
    expect(acceptsIncremental("multipart/mixed; deferSpec=20220824")).toBe(true);
    expect(acceptsIncremental("multipart/mixed;subscriptionSpec=1.0,application/json")).toBe(false);
    expect(acceptsIncremental("application/json")).toBe(false);
  });
});

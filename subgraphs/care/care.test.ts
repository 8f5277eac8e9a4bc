import { execute } from "../../test/support/execute";
import { countStatements, tempSiloDir } from "../../test/support/silo";
import { loadCareConfig } from "./config";
import { type CareServer, createCareServer } from "./server";

describe("care subgraph over a fresh SQLite silo", () => {
  const silo = tempSiloDir();
  let care: CareServer;

  beforeAll(async () => {
    care = await createCareServer(loadCareConfig({ CARE_DB_URL: silo.url("care") }));
  });
  afterAll(async () => {
    await care.db.destroy();
    silo.cleanup();
  });

  it("adds its field and its touch points to a batch of customers in one statement, nothing for customers it does not know", async () => {
    const statements = countStatements(care.db);
    const { data, errors } = await execute(care.subgraph, `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id careSince careTouchPoints { at unit kind ref } } } }`, {
      r: ["C000001", "C999999", "C000002"].map((id) => ({ __typename: "Customer", id })),
    });
    statements.stop();
    expect(errors).toBeUndefined();
    const [known, unknown, other] = data!._entities;
    expect(known.careSince).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(known.careTouchPoints).toEqual([{ at: known.careSince, unit: "CARE", kind: "first-contact", ref: "C000001" }]);
    expect(unknown).toEqual({ id: "C999999", careSince: null, careTouchPoints: [] });
    expect(other.careSince).not.toBeNull();
    expect(statements.count).toBe(1);
  });
});

import { EXAMPLES } from "../../demo/examples";
import { type Stack, startStack } from "../support/stack";

const CHANNELS = ["WEB", "MOBILE", "STORE", "CALL_CENTER", "PARTNER"] as const;
const SALES = `query($c: ID!) { customer(id: $c) { openCaseCount salesContact { allowed reasons } } }`;
const COMPLAIN = `mutation($c: ID!, $k: String) { logContact(customerId: $c, channel: CALL_CENTER, direction: INBOUND, kind: "complaint", summary: "Loyalty points for the September order are missing", idempotencyKey: $k) { id status } }`;
const RESOLVE = `mutation($id: ID!, $k: String) { resolveCase(caseId: $id, resolution: "Points credited", idempotencyKey: $k) { id status } }`;

/**
 * Knowledge at the point of action, end to end: a complaint written in care
 * is what promotions' salesContact says on the very next request, in every
 * channel, read live through @requires; and it lifts once care resolves it.
 */
describe("care's cases reach promotions' salesContact at once, in every channel", () => {
  let stack: Stack;
  const as = (channel: string) => ({ "x-channel": channel });
  const everyChannel = async (id: string) => {
    const answers = await Promise.all(CHANNELS.map((ch) => stack.query(SALES, { c: id }, as(ch))));
    for (const a of answers) expect(a.errors).toBeUndefined();
    for (const a of answers) expect(a.data).toEqual(answers[0].data);
    return answers[0].data.customer;
  };

  beforeAll(async () => {
    stack = await startStack({ env: { GATEWAY_LOG_LEVEL: "error" } });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it("shows Maria's open complaint to agents, and her own cases to her only", async () => {
    expect(await everyChannel("C000001")).toEqual({ openCaseCount: 1, salesContact: { allowed: false, reasons: ["1 open care case: settle it before selling"] } });
    const maria = { authorization: `Bearer ${await stack.token("customer", "C000001")}`, "x-channel": "WEB" };
    const own = await stack.query(`{ me { cases(status: OPEN) { id topic history { channel direction kind outcome } } } }`, {}, maria);
    expect(own.errors).toBeUndefined();
    expect(own.data.me.cases).toEqual([expect.objectContaining({ id: "CS-000002", topic: "Noisy room at Harbour House Lisbon" })]);
    const other = await stack.query(`{ customer(id: "C000002") { cases { id } } }`, {}, maria);
    expect(other.errors?.[0].extensions.code).toBe("FORBIDDEN");
    const write = await stack.query(RESOLVE, { id: "CS-000002" }, maria);
    expect(write.errors?.[0].extensions.code).toBe("FORBIDDEN");
  });

  it("answers the worked examples with Maria's open complaint and no selling, saying why", async () => {
    for (const title of ["The 360° view: every unit answers a part", "The complaint the store should know about"]) {
      const example = EXAMPLES.find((e) => e.title === title)!;
      const { data, errors } = await stack.query(example.query, example.variables, as(example.channel));
      expect(errors).toBeUndefined();
      expect(data.customer.salesContact).toEqual({ allowed: false, reasons: ["1 open care case: settle it before selling"] });
      expect(data.customer.cases).toEqual([expect.objectContaining({ id: "CS-000002", topic: "Noisy room at Harbour House Lisbon", status: "OPEN" })]);
    }
  });

  it("turns salesContact off on the next request after a complaint, from every channel, and on again after resolveCase", async () => {
    expect(await everyChannel("C000002")).toEqual({ openCaseCount: 0, salesContact: { allowed: true, reasons: [] } });

    const opened = await stack.query(COMPLAIN, { c: "C000002", k: "e2e-care-complaint" }, as("CALL_CENTER"));
    expect(opened.errors).toBeUndefined();
    expect(opened.data.logContact.status).toBe("OPEN");
    expect(await everyChannel("C000002")).toEqual({ openCaseCount: 1, salesContact: { allowed: false, reasons: ["1 open care case: settle it before selling"] } });
    // A retried complaint is the same case, not a second one.
    const retried = await stack.query(COMPLAIN, { c: "C000002", k: "e2e-care-complaint" }, as("STORE"));
    expect(retried.data.logContact.id).toBe(opened.data.logContact.id);
    expect((await everyChannel("C000002")).openCaseCount).toBe(1);

    const timeline = await stack.query(`{ customer(id: "C000002") { timeline(first: 1) { unit kind ref } } }`, {}, as("WEB"));
    expect(timeline.data.customer.timeline).toEqual([{ unit: "CARE", kind: "care-complaint", ref: opened.data.logContact.id }]);

    const resolved = await stack.query(RESOLVE, { id: opened.data.logContact.id, k: "e2e-care-resolve" }, as("CALL_CENTER"));
    expect(resolved.errors).toBeUndefined();
    expect(resolved.data.resolveCase.status).toBe("RESOLVED");
    expect(await everyChannel("C000002")).toEqual({ openCaseCount: 0, salesContact: { allowed: true, reasons: [] } });
  });

  it("refuses a complaint for a customer billing does not know, and salesContact to customers", async () => {
    const unknown = await stack.query(COMPLAIN, { c: "C999999" }, as("CALL_CENTER"));
    expect(unknown.errors?.[0].extensions.code).toBe("NOT_FOUND");
    const tom = { authorization: `Bearer ${await stack.token("customer", "C000002")}` };
    const own = await stack.query(`{ me { salesContact { allowed } } }`, {}, tom);
    expect(own.errors?.[0].extensions.code).toBe("FORBIDDEN");
  });
});

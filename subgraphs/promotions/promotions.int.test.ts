import type { Knex } from "knex";
import { type Dialect, createSilo, touchPointsField } from "../../kit/subgraph";
import { describeOnEveryDialect, expectEveryDialectToRead } from "../../test/support/dialects";
import { unit } from "./unit";
import { Channel, Outbox } from "../../kit/subgraph";
import { recordedKinds } from "../../test/support/outbox";
import { ConsentRepository } from "./consent/consent.repository";
import { RedemptionRepository } from "./redemption/redemption.repository";
import { promotionsOutbox } from "./silo/outbox";
import { TIMELINE_UNITS } from "./customer/customer.type";

const NOW = Date.parse("2026-11-26T12:00:00Z");
// Every other unit's touch points (none, packed), from the manifest, as the gateway hands them over.
const touchPoints = Object.fromEntries(TIMELINE_UNITS.map((unit) => [touchPointsField(unit), "[]"]));
const customer = (id: string, extra: Record<string, unknown> = {}) => ({ __typename: "Customer", id, stayCount: 0, loyaltyStanding: { tier: null }, ...touchPoints, ...extra });

/** Every statement promotions' repositories run, asked the same way of each dialect. */
const OPERATIONS = {
  customers: {
    query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id offers { code validFrom validUntil amountOff { amount } }
      consent { email sms push updatedAt updatedVia } redemptions { id channel redeemedAt offer { code } } timeline(first: 20) { at unit channel kind summary ref } } } }`,
    variables: { r: [customer("C000001", { stayCount: 5, loyaltyStanding: { tier: "GOLD" } }), customer("C000002", { loyaltyStanding: { tier: "SILVER" } }), customer("C000003"), customer("C000640"), customer("C999999")] },
  },
  catalogue: { query: `{ publicOffers { code kind percentOff amountOff { amount currency } validFrom validUntil } offer(code: "GOLD-BREAKFAST") { code requiresTier minStays } }` },
  prices: {
    query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { sku price(customerId: "C000001") { list { amount } discount { amount } final { amount } appliedOffer { code } } } ... on Quote { id total { amount } } } }`,
    variables: {
      r: [
        { __typename: "Product", sku: "SKU-0002", category: "Home", listPrice: { amount: "49.99", currency: "EUR" } },
        { __typename: "Quote", id: "C000001|SKU-0002*2", basket: [{ sku: "SKU-0002", quantity: 2, category: "Home", listPrice: { amount: "49.99", currency: "EUR" } }] },
      ],
    },
  },
};

/**
 * Writes a redemption at 17:30 in UTC+05:30 the way a client of that silo
 * would: in a session whose time zone is not UTC (SQLite has no sessions:
 * the offset travels in the text).
 */
async function redeemFromIndia(url: string, dialect: Dialect): Promise<void> {
  const db: Knex = createSilo(url, { poolMax: 1 });
  try {
    await db.transaction(async (trx) => {
      if (dialect === "postgres") await trx.raw("set local time zone 'Asia/Kolkata'");
      if (dialect === "mysql") await trx.raw("set time_zone = '+05:30'");
      const at = dialect === "sqlite" ? "2026-07-01T17:30:00+05:30" : "2026-07-01 17:30:00";
      await trx("promo_redemption").insert({ customer_id: "C900001", offer_code: "X-EXACT", channel: "STORE", redeemed_at: at });
    });
  } finally {
    await db.destroy();
  }
}

describeOnEveryDialect(
  "promotions",
  (url) => unit.create(unit.loadConfig({ PROMOTIONS_DB_URL: url }), { clock: () => NOW }),
  OPERATIONS,
  (booted) => {
    it("keeps minor units exact and reads timestamps written in another zone as UTC on each dialect", () =>
      expectEveryDialectToRead(
        booted(),
        async ({ dialect, server, url }) => {
          await server.db("promo_offer").insert({ offer_code: "X-EXACT", headline: "Exact", body_text: "Exact money off", offer_kind: "PRICE", amount_off_minor: 2147483647, currency: "EUR", valid_from: "2026-01-01", valid_to: "2026-12-31" });
          await redeemFromIndia(url, dialect);
        },
        { query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { redemptions { redeemedAt offer { amountOff { amount } validUntil } } } } }`, variables: { r: [customer("C900001")] } },
        { _entities: [{ redemptions: [{ redeemedAt: "2026-07-01T12:00:00.000Z", offer: { amountOff: { amount: "21474836.47" }, validUntil: "2026-12-31T23:59:59.999Z" } }] }] },
      ));

    it("commits each write with its event, on each dialect", async () => {
      for (const { server } of booted()) {
        const outbox = new Outbox("promotions", promotionsOutbox, server.db);
        const redemptions = new RedemptionRepository(server.db, outbox);
        const consent = new ConsentRepository(server.db, outbox);
        const redeem = (customerId: string) => redemptions.record({ customerId, offerCode: "SILVER-20", channel: Channel.STORE, at: NOW, idempotencyKey: null, singleUse: false, needsEmailConsent: false });
        const how = { channel: Channel.CALL_CENTER, actor: "agent", at: NOW };

        await redeem("C900002");
        await consent.set("C900002", { sms: true, push: true }, how);
        await consent.set("C900002", { sms: true }, how); // no change: no write, no event
        expect(await recordedKinds(server.db, promotionsOutbox, "C900002")).toEqual(["offer-redeemed", "consent-changed"]);
      }
    });
  },
);

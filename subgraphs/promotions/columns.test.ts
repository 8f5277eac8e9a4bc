import { expectReadsOnly } from "../../test/support/columns";
import { AUDIT_COLUMNS, CONSENT_COLUMNS, auditTouchPoint, toConsent } from "./consent/consent.repository";
import { REDEMPTION_COLUMNS, toRedemption } from "./redemption/redemption.repository";

/** Promotions' statements select their lists, not `*`: each mapper reads only what its list names. */
describe("promotions' column lists", () => {
  it("name every field the redemption mapper reads", () => {
    expectReadsOnly(REDEMPTION_COLUMNS, toRedemption, { redemption_id: 1, customer_id: "C000001", offer_code: "WELCOME10", channel: "WEB", redeemed_at: "2025-01-10 09:30:00" });
  });

  it("name every field the consent mappers read", () => {
    expectReadsOnly(CONSENT_COLUMNS, toConsent, { customer_id: "C000001", email_ok: 1, sms_ok: 0, push_ok: 0, updated_at: "2025-01-10 09:30:00", updated_via: "WEB" });
    expectReadsOnly(AUDIT_COLUMNS, auditTouchPoint, { audit_id: 1, customer_id: "C000001", medium: "email", granted: 1, changed_at: "2025-01-10 09:30:00", channel: "WEB" });
  });
});

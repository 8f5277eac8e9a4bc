import type { Knex } from "knex";
import { businessUnit, type Channel, type Outbox, Statements, type TouchPoint, columnsOf, dialectOf, isoFromUtc, parseChannel, touchPoint } from "../../../kit/subgraph";
import { MarketingConsent } from "./consent.type";

export interface ConsentRow {
  customer_id: string;
  email_ok: boolean | number;
  sms_ok: boolean | number;
  push_ok: boolean | number;
  updated_at: string | Date | number;
  updated_via: string | null;
}

export interface AuditRow {
  audit_id: number;
  customer_id: string;
  medium: string;
  granted: boolean | number;
  changed_at: string | Date | number;
  channel: string | null;
}

/** What promotions' statements select from `promo_consent`: every field of ConsentRow. */
export const CONSENT_COLUMNS = columnsOf<ConsentRow>()(["customer_id", "email_ok", "sms_ok", "push_ok", "updated_at", "updated_via"]);

/** What promotions' statements select from `promo_consent_audit`: every field of AuditRow (not the actor). */
export const AUDIT_COLUMNS = columnsOf<AuditRow>()(["audit_id", "customer_id", "medium", "granted", "changed_at", "channel"]);

/** No row: the customer never opted in to anything. */
export function noConsent(customerId: string): MarketingConsent {
  return Object.assign(new MarketingConsent(), { customerId, email: false, sms: false, push: false, updatedAt: null, updatedVia: null });
}

/** A `promo_consent` row to the graph's consent. */
export function toConsent(r: ConsentRow): MarketingConsent {
  return Object.assign(new MarketingConsent(), {
    customerId: r.customer_id,
    email: Boolean(r.email_ok),
    sms: Boolean(r.sms_ok),
    push: Boolean(r.push_ok),
    updatedAt: isoFromUtc(r.updated_at, `promotions silo, consent of ${r.customer_id}, updated_at`),
    updatedVia: parseChannel(r.updated_via) ?? null,
  });
}

/** A consent change as a touch point. */
export function auditTouchPoint(r: AuditRow): TouchPoint {
  return touchPoint({
    at: isoFromUtc(r.changed_at, `promotions silo, consent audit ${r.audit_id}`),
    unit: businessUnit("promotions"),
    channel: parseChannel(r.channel) ?? null,
    kind: "consent",
    summary: `Marketing ${r.medium} ${Boolean(r.granted) ? "accepted" : "declined"}`,
    ref: String(r.audit_id),
  });
}

/** Consent in `promo_consent`, its history in `promo_consent_audit`. */
export class ConsentRepository {
  private readonly statements = new Statements();

  constructor(
    private readonly db: Knex,
    private readonly outbox: Outbox,
  ) {}

  async byCustomers(customerIds: readonly string[]): Promise<Map<string, MarketingConsent>> {
    const rows = await this.statements.rows<ConsentRow>(this.db, "byCustomers", customerIds, (keys) => this.db("promo_consent").select(CONSENT_COLUMNS).whereIn("customer_id", keys));
    return new Map(rows.map((r) => [r.customer_id, toConsent(r)]));
  }

  /** Consent changes as touch points, newest first, at most `first` per customer. */
  async historyTouchPoints(customerIds: readonly string[], first: number): Promise<Map<string, TouchPoint[]>> {
    const grouped = await this.statements.newest<AuditRow>(
      this.db,
      "historyTouchPoints",
      customerIds,
      {
        columns: AUDIT_COLUMNS,
        key: "customer_id",
        orderBy: [
          { column: "changed_at", order: "desc" },
          { column: "audit_id", order: "desc" },
        ],
        first,
      },
      (keys) => this.db("promo_consent_audit").whereIn("customer_id", keys),
    );
    return new Map([...grouped].map(([id, list]) => [id, list.map(auditTouchPoint)]));
  }

  /**
   * Changes consent for the media given, in one transaction, and writes one
   * audit row per medium that actually changed (who, when, which channel).
   * Setting the same value again changes nothing and audits nothing. A change
   * records one `consent-changed` event in the same transaction (its ref: the
   * newest audit row).
   */
  async set(customerId: string, changes: Partial<Record<Medium, boolean>>, how: { channel: Channel; actor: string; at: number }): Promise<MarketingConsent> {
    await this.db.transaction(async (trx) => {
      let query = trx("promo_consent").where({ customer_id: customerId });
      // Serialise concurrent changes of one customer on server databases; SQLite writes one at a time anyway.
      if (dialectOf(this.db) !== "sqlite") query = query.forUpdate();
      const row: ConsentRow | undefined = await query.first();
      const before = { email: Boolean(row?.email_ok), sms: Boolean(row?.sms_ok), push: Boolean(row?.push_ok) };
      const after = { ...before, ...changes };
      const changed = MEDIA.filter((m) => changes[m] !== undefined && (row === undefined || before[m] !== after[m]));
      if (changed.length === 0) return;
      const at = new Date(how.at);
      await trx("promo_consent").insert({ customer_id: customerId, email_ok: after.email, sms_ok: after.sms, push_ok: after.push, updated_at: at, updated_via: how.channel }).onConflict("customer_id").merge();
      await trx("promo_consent_audit").insert(changed.map((medium) => ({ customer_id: customerId, medium, granted: after[medium], changed_at: at, channel: how.channel, actor: how.actor })));
      // Drivers disagree on which id a multi-row insert returns; the newest audit row is the same everywhere.
      const [{ newest }] = await trx("promo_consent_audit").where({ customer_id: customerId }).max({ newest: "audit_id" });
      await this.outbox.record(trx, { at: how.at, kind: "consent-changed", customerId, channel: how.channel, ref: String(newest) });
    });
    return (await this.byCustomers([customerId])).get(customerId) ?? noConsent(customerId);
  }
}

export type Medium = "email" | "sms" | "push";
const MEDIA: readonly Medium[] = ["email", "sms", "push"];

import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import { BadUserInputError, type Channel, ConflictError, NotFoundError, type Outbox, insertedId, isUniqueViolation, localFromUtcMillis } from "../../../kit/subgraph";
import { type CaseRow, type ContactRow, VIA_OF_CHANNEL, caseNumber, toCareCase } from "../case/case.mapper";
import type { CareCase, ContactDirection } from "../case/case.type";

export interface LoggedContact {
  customerId: string;
  /** The case to add to; null opens a new one about `topic`. */
  caseId: string | null;
  topic: string;
  /** Where the contact happened (the history's channel). */
  channel: Channel;
  /** The channel the write came through (its event's); the contact may have happened elsewhere. */
  writtenVia: Channel;
  direction: ContactDirection;
  kind: string;
  summary: string;
  outcome: string | null;
  idempotencyKey: string | null;
  at: number;
  /** The zone the contact is logged in (care records local time beside it). */
  timeZone: string;
}

export interface Resolution {
  caseId: string;
  resolution: string;
  channel: Channel;
  idempotencyKey: string | null;
  at: number;
  timeZone: string;
}

const MOST_ATTEMPTS = 3;

/** The database chose this transaction to undo so another could go on (MariaDB/MySQL, PostgreSQL). */
function isDeadlock(err: unknown): boolean {
  const e = err as { code?: string; errno?: number };
  return e?.code === "ER_LOCK_DEADLOCK" || e?.errno === 1213 || e?.code === "40P01" || e?.code === "40001";
}

/**
 * Care's writes, exactly once. Each write is one logged contact whose
 * `idem_key` is unique in the silo, inserted in the same transaction as the
 * case change it causes: a retry (perhaps concurrent, perhaps on another
 * replica) finds the first contact and answers with its case, and a losing
 * concurrent attempt rolls back whole. The same pattern as promotions'
 * redemptions, with the silo, not process memory, as the arbiter.
 *
 * Each write also records its event (`contact-logged`, `case-resolved`) in
 * care's outbox, in the same transaction: the event exists exactly when the
 * write does, and a retry that finds its first answer writes, and so
 * announces, nothing.
 */
export class CaseWriter {
  constructor(
    private readonly db: Knex,
    private readonly outbox: Outbox,
  ) {}

  async logContact(c: LoggedContact): Promise<CareCase> {
    return this.once(
      c.idempotencyKey,
      (first) => this.sameContact(first, c),
      () =>
        this.db.transaction(async (trx) => {
          const caseNo = c.caseId ?? (await this.openCase(trx, c));
          if (c.caseId) await this.keepOpen(trx, c.caseId, c.customerId);
          await trx("crm_contact").insert(this.contactRow(caseNo, c.at, c.timeZone, c.channel, c.direction === "INBOUND" ? "IN" : "OUT", c.kind, c.summary, c.outcome, c.idempotencyKey));
          await this.outbox.record(trx, { at: c.at, kind: "contact-logged", customerId: c.customerId, channel: c.writtenVia, ref: caseNo });
          return this.read(trx, caseNo);
        }),
    );
  }

  async resolveCase(r: Resolution): Promise<CareCase> {
    return this.once(
      r.idempotencyKey,
      (first) => first.case_no === r.caseId && first.kind === "resolution" && first.note === r.resolution,
      () =>
        this.db.transaction(async (trx) => {
          // The state check and the change are one statement, so two agents
          // resolving at once cannot both succeed.
          const changed = await trx("crm_case")
            .where({ case_no: r.caseId })
            .whereIn("state", ["N", "W"])
            .update({ state: "C", closed_local: localFromUtcMillis(r.at, r.timeZone), closed_tz: r.timeZone, resolution: r.resolution });
          if (changed === 0) {
            const existing: CaseRow | undefined = await trx("crm_case").where({ case_no: r.caseId }).first();
            if (!existing) throw new NotFoundError(`unknown case ${r.caseId}`);
            throw new ConflictError(`case ${r.caseId} is already resolved`);
          }
          await trx("crm_contact").insert(this.contactRow(r.caseId, r.at, r.timeZone, r.channel, "OUT", "resolution", r.resolution, "resolved", r.idempotencyKey));
          const resolved: CaseRow = await trx("crm_case").where({ case_no: r.caseId }).first();
          await this.outbox.record(trx, { at: r.at, kind: "case-resolved", customerId: resolved.cust_no, channel: r.channel, ref: r.caseId });
          return toCareCase(resolved);
        }),
    );
  }

  /**
   * Runs `write` unless `key` already wrote; a retry gets the first answer,
   * whatever this attempt ran into. InnoDB answers concurrent inserts of the
   * same unique key with a deadlock for all but one; the loser rolled back
   * whole, so it is simply run again, and then finds the winner's contact.
   */
  private async once(key: string | null, matches: (first: ContactRow) => boolean, write: () => Promise<CareCase>): Promise<CareCase> {
    const replay = async (): Promise<CareCase | null> => {
      if (!key) return null;
      const first: ContactRow | undefined = await this.db("crm_contact").where({ idem_key: key }).first();
      if (!first) return null;
      if (!matches(first)) throw new BadUserInputError(`idempotency key ${key} was already used for another write (on case ${first.case_no})`, "idempotencyKey");
      return this.read(this.db, first.case_no);
    };
    for (let attempt = 1; ; attempt += 1) {
      const earlier = await replay();
      if (earlier) return earlier;
      try {
        return await write();
      } catch (err) {
        const first = await replay();
        if (first) return first;
        if (isDeadlock(err) && attempt < MOST_ATTEMPTS) continue;
        if (isUniqueViolation(err) || isDeadlock(err)) throw new ConflictError("a concurrent write got in first; read the case and try again");
        throw err;
      }
    }
  }

  private sameContact(first: ContactRow, c: LoggedContact): boolean {
    return (c.caseId === null || first.case_no === c.caseId) && first.kind === c.kind && first.note === c.summary;
  }

  /** A new case, numbered from its sequence number like every case. */
  private async openCase(trx: Knex.Transaction, c: LoggedContact): Promise<string> {
    const placeholder = `new-${randomUUID().slice(0, 12)}`;
    const ids = await trx("crm_case").insert({ case_no: placeholder, cust_no: c.customerId, topic: c.topic, opened_local: localFromUtcMillis(c.at, c.timeZone), opened_tz: c.timeZone, opened_via: VIA_OF_CHANNEL[c.channel], state: "N" }, ["case_seq"]);
    const caseNo = caseNumber(insertedId(ids, "case_seq"));
    await trx("crm_case").where({ case_no: placeholder }).update({ case_no: caseNo });
    return caseNo;
  }

  /** The case must be the customer's and open; a contact puts it in work. */
  private async keepOpen(trx: Knex.Transaction, caseNo: string, customerId: string): Promise<void> {
    const changed = await trx("crm_case").where({ case_no: caseNo, cust_no: customerId }).whereIn("state", ["N", "W"]).update({ state: "W" });
    if (changed > 0) return;
    const existing: CaseRow | undefined = await trx("crm_case").where({ case_no: caseNo }).first();
    if (!existing || existing.cust_no !== customerId) throw new NotFoundError(`customer ${customerId} has no case ${caseNo}`);
    throw new ConflictError(`case ${caseNo} is resolved; log the contact on a new case`);
  }

  private contactRow(caseNo: string, at: number, timeZone: string, channel: Channel, dir: "IN" | "OUT", kind: string, note: string, outcome: string | null, key: string | null) {
    return { case_no: caseNo, logged_local: localFromUtcMillis(at, timeZone), logged_tz: timeZone, via: VIA_OF_CHANNEL[channel], dir, kind, note, outcome, idem_key: key };
  }

  private async read(db: Knex, caseNo: string): Promise<CareCase> {
    const row: CaseRow = await db("crm_case").where({ case_no: caseNo }).first();
    return toCareCase(row);
  }
}

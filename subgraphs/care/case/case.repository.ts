import type { Knex } from "knex";
import { Statements, groupBy } from "../../../kit/subgraph";
import { CASE_COLUMNS, type CaseRow, ENTRY_COLUMNS, type EntryRow, STATE_OF_STATUS, toCareCase, toCaseEntry } from "./case.mapper";
import type { CareCase, CaseEntry, CaseStatus } from "./case.type";

/** Every read care runs against `crm_case` and `crm_contact`. */
export class CaseRepository {
  private readonly statements = new Statements();

  constructor(private readonly db: Knex) {}

  /** Newest first, at most `first` per customer, optionally of one status. */
  async byCustomers(ids: readonly string[], status: CaseStatus | null, first: number): Promise<Map<string, CareCase[]>> {
    const lists = await this.statements.newest<CaseRow>(
      this.db,
      "byCustomers",
      ids,
      { columns: CASE_COLUMNS, key: "crm_case.cust_no", orderBy: [{ column: "case_seq", order: "desc" }], first },
      (keys) => {
        const base = this.db("crm_case").whereIn("cust_no", keys);
        return status ? base.whereIn("state", [...STATE_OF_STATUS[status]]) : base;
      },
      status,
    );
    return new Map([...lists].map(([customerId, rows]) => [customerId, rows.map(toCareCase)]));
  }

  async byNumbers(caseNos: readonly string[]): Promise<Map<string, CareCase>> {
    const rows: CaseRow[] = await this.db("crm_case").select(CASE_COLUMNS).whereIn("case_no", caseNos);
    return new Map(rows.map((r) => [r.case_no, toCareCase(r)]));
  }

  /** Open cases per customer, in one statement; customers without any are absent. */
  async openCounts(ids: readonly string[]): Promise<Map<string, number>> {
    const rows: { cust_no: string; open: number | string }[] = await this.db("crm_case")
      .select("cust_no")
      .count({ open: "*" })
      .whereIn("cust_no", ids)
      .whereIn("state", [...STATE_OF_STATUS.OPEN])
      .groupBy("cust_no");
    return new Map(rows.map((r) => [r.cust_no, Number(r.open)]));
  }

  /** Each case's contacts, oldest first (contacts are appended as they happen). */
  async historyOf(cases: readonly { id: string; customerId: string }[]): Promise<Map<string, CaseEntry[]>> {
    const owner = new Map(cases.map((c) => [c.id, c.customerId]));
    const rows: EntryRow[] = await this.db("crm_contact")
      .select(ENTRY_COLUMNS)
      .whereIn("case_no", [...owner.keys()])
      .orderBy("contact_id", "asc");
    return groupBy(
      rows.map((r) => toCaseEntry(r, owner.get(r.case_no)!)),
      (e) => e.caseId,
    );
  }

  /**
   * Every contact on each customer's cases, newest first, at most `limit`.
   * Times are local text with a zone per row, so SQL cannot order them; a
   * customer's contacts are few, and they are ordered here once mapped to UTC.
   */
  async contactsOfCustomers(ids: readonly string[], limit: number): Promise<Map<string, { entry: CaseEntry; topic: string }[]>> {
    const rows = await this.statements.rows<EntryRow & { cust_no: string; topic: string }>(this.db, "contactsOfCustomers", ids, (keys) =>
      this.db("crm_contact")
        .join("crm_case", "crm_case.case_no", "crm_contact.case_no")
        .select([...ENTRY_COLUMNS, "crm_case.cust_no", "crm_case.topic"])
        .whereIn("crm_case.cust_no", keys),
    );
    const out = new Map<string, { entry: CaseEntry; topic: string }[]>();
    for (const [customer, list] of groupBy(rows, (r) => r.cust_no)) {
      const mapped = list.map((r) => ({ entry: toCaseEntry(r, customer), topic: r.topic }));
      mapped.sort((a, b) => (a.entry.at !== b.entry.at ? (a.entry.at < b.entry.at ? 1 : -1) : Number(b.entry.id) - Number(a.entry.id)));
      out.set(customer, mapped.slice(0, limit));
    }
    return out;
  }
}

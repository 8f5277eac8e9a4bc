import type { Knex } from "knex";
import { SiloDataError, Statements, columnsOf, isoFromLocal, moneyFromDecimal } from "../../../kit/subgraph";
import { AccountStatus, BillingAccount, Customer } from "./customer.type";

export interface AccountRow {
  cust_no: string;
  acct_no: string;
  full_nm: string;
  email_addr: string;
  phone_no: string | null;
  acct_stat: string;
  curr_cd: string;
  credit_lim: string | number;
  opened_local: string | Date;
}

/** What billing's statements select from `acct_holder`: every field of AccountRow. */
export const ACCOUNT_COLUMNS = columnsOf<AccountRow>()(["cust_no", "acct_no", "full_nm", "email_addr", "phone_no", "acct_stat", "curr_cd", "credit_lim", "opened_local"]);

const STATUS: Record<string, AccountStatus> = { A: AccountStatus.ACTIVE, S: AccountStatus.SUSPENDED, C: AccountStatus.CLOSED };

/** The account holders in `acct_holder`. */
export class AccountRepository {
  private readonly statements = new Statements();

  constructor(
    private readonly db: Knex,
    private readonly timeZone: string,
  ) {}

  async byIds(ids: readonly string[]): Promise<Map<string, Customer>> {
    const rows = await this.statements.rows<AccountRow>(this.db, "byIds", ids, (keys) => this.db("acct_holder").select(ACCOUNT_COLUMNS).whereIn("cust_no", keys));
    return new Map(rows.map((r) => [r.cust_no, this.toCustomer(r)]));
  }

  async byEmail(email: string): Promise<Customer | null> {
    const row: AccountRow | undefined = await this.db("acct_holder").select(ACCOUNT_COLUMNS).whereRaw("lower(email_addr) = ?", [email.trim().toLowerCase()]).first();
    return row ? this.toCustomer(row) : null;
  }

  /** Name, e-mail or id containing the text, case-insensitive, stable order. */
  async search(text: string, first: number): Promise<Customer[]> {
    const like = `%${text
      .trim()
      .toLowerCase()
      .replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // The escape character is a parameter, not a literal: MySQL reads a
    // backslash in a string literal as an escape of its own, so `escape '\'`
    // is a syntax error there; each driver quotes a parameter its own way.
    const rows: AccountRow[] = await this.db("acct_holder")
      .select(ACCOUNT_COLUMNS)
      .whereRaw("lower(full_nm) like ? escape ?", [like, "\\"])
      .orWhereRaw("lower(email_addr) like ? escape ?", [like, "\\"])
      .orWhereRaw("lower(cust_no) like ? escape ?", [like, "\\"])
      .orderBy("cust_no")
      .limit(first);
    return rows.map((r) => this.toCustomer(r));
  }

  toCustomer(row: AccountRow): Customer {
    const where = `billing silo, account holder ${row.cust_no}`;
    const status = STATUS[row.acct_stat];
    if (!status) throw new SiloDataError(`${where}: unknown acct_stat ${JSON.stringify(row.acct_stat)}`);
    const account = Object.assign(new BillingAccount(), {
      number: row.acct_no,
      status,
      currency: row.curr_cd,
      creditLimit: moneyFromDecimal(row.credit_lim, row.curr_cd, `${where}, credit_lim`),
      openedAt: isoFromLocal(row.opened_local, this.timeZone, `${where}, opened_local`),
    });
    return Object.assign(new Customer(), { id: row.cust_no, name: row.full_nm, email: row.email_addr, phone: row.phone_no, account });
  }
}

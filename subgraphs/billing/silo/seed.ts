import type { Knex } from "knex";
import { localFromUtcMillis, minorToDecimalString } from "../../../kit/subgraph";
import type { World } from "../../../demo/world";

const STATUS_CODE = { OPEN: 10, PAID: 20, OVERDUE: 30, VOID: 90 } as const;

/** Billing's slice of the demo world, in billing's conventions. */
export async function seedBilling(db: Knex, world: World, timeZone: string): Promise<void> {
  const local = (ms: number) => localFromUtcMillis(ms, timeZone);
  await db.transaction(async (trx) => {
    await trx.batchInsert(
      "acct_holder",
      world.customers.map((c, i) => ({
        cust_no: c.id,
        acct_no: `AC${String(700000 + i * 7).padStart(8, "0")}`,
        full_nm: c.name,
        email_addr: c.email,
        phone_no: c.phone,
        acct_stat: i % 97 === 50 ? "S" : i % 211 === 100 ? "C" : "A",
        curr_cd: "EUR",
        credit_lim: minorToDecimalString(BigInt(((i % 5) + 1) * 50000)),
        opened_local: local(c.since),
      })),
      200,
    );
    await trx.batchInsert(
      "inv_hdr",
      world.invoices.map((inv) => ({
        inv_no: inv.number,
        cust_no: inv.customerId,
        issued_local: local(inv.issuedAt),
        due_date: local(inv.dueAt).slice(0, 10),
        stat_cd: STATUS_CODE[inv.status],
        total_amt: minorToDecimalString(BigInt(inv.lines.reduce((s, l) => s + l.amountCents, 0))),
        curr_cd: "EUR",
      })),
      200,
    );
    await trx.batchInsert(
      "inv_line",
      world.invoices.flatMap((inv) =>
        inv.lines.map((l, i) => ({
          inv_no: inv.number,
          line_no: i + 1,
          descr: l.description,
          line_amt: minorToDecimalString(BigInt(l.amountCents)),
          bkg_ref: l.bookingId ?? null,
          ord_ref: l.orderId ?? null,
          sku_ref: l.sku ?? null,
        })),
      ),
      200,
    );
  });
}

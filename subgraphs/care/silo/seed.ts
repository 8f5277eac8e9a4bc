import type { Knex } from "knex";
import type { World } from "../../../demo/world";

/** Care's slice of the demo world, in care's conventions. */
export async function seedCare(db: Knex, world: World): Promise<void> {
  await db.batchInsert(
    "care_customer",
    world.customers.map((c) => ({ customer_ref: c.id, first_contact_utc: new Date(c.since) })),
    200,
  );
}

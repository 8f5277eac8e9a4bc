import type { Knex } from "knex";
import type { World } from "../../../demo/world";
import { VIA_OF_CHANNEL, caseNumber } from "../case/case.mapper";
import { localFromUtcMillis } from "../../../kit/subgraph";

/**
 * Care's slice of the demo world, in care's conventions. Cases go in the
 * world's order into an empty silo, so the sequence numbers them as their
 * case numbers say (writes number new cases the same way).
 */
export async function seedCare(db: Knex, world: World): Promise<void> {
  await db.transaction(async (trx) => {
    await trx.batchInsert(
      "crm_case",
      world.cases.map((c, i) => {
        const opened = c.contacts[0];
        return {
          case_no: caseNumber(i + 1),
          cust_no: c.customerId,
          topic: c.topic,
          opened_local: localFromUtcMillis(opened.at, opened.timeZone),
          opened_tz: opened.timeZone,
          opened_via: VIA_OF_CHANNEL[opened.channel],
          state: c.resolution ? "C" : c.contacts.length > 1 ? "W" : "N",
          closed_local: c.resolution ? localFromUtcMillis(c.resolution.at, c.resolution.timeZone) : null,
          closed_tz: c.resolution?.timeZone ?? null,
          resolution: c.resolution?.text ?? null,
        };
      }),
      200,
    );
    const contacts = world.cases.flatMap((c, i) => [
      ...c.contacts.map((k) => ({
        case_no: caseNumber(i + 1),
        logged_local: localFromUtcMillis(k.at, k.timeZone),
        logged_tz: k.timeZone,
        via: VIA_OF_CHANNEL[k.channel],
        dir: k.inbound ? "IN" : "OUT",
        kind: k.kind,
        note: k.summary,
        outcome: k.outcome,
        idem_key: null,
      })),
      ...(c.resolution
        ? [
            {
              case_no: caseNumber(i + 1),
              logged_local: localFromUtcMillis(c.resolution.at, c.resolution.timeZone),
              logged_tz: c.resolution.timeZone,
              via: "TEL",
              dir: "OUT",
              kind: "resolution",
              note: c.resolution.text,
              outcome: "resolved",
              idem_key: null,
            },
          ]
        : []),
    ]);
    await trx.batchInsert("crm_contact", contacts, 200);
  });
}

import DataLoader from "dataloader";
import { type ContextOf, TIMELINE_MAX, byKey, defineUnit, listByKey, perArguments, timeZone } from "../../kit/subgraph";
import { generateWorld } from "../../demo/world";
import { CareCaseResolver } from "./case/case.resolver";
import { CaseRepository } from "./case/case.repository";
import type { CareCase, CaseEntry, CaseStatus } from "./case/case.type";
import { CaseWriter } from "./contact/case-writer";
import { ContactResolver } from "./contact/contact.resolver";
import { CustomerResolver, resolveCustomerReference } from "./customer/customer.resolver";
import { Customer } from "./customer/customer.type";
import { careMigrations, careOutbox } from "./silo/migrations";
import { seedCare } from "./silo/seed";

/** Care: the customer service desk's cases and contacts. Defaults run the embedded SQLite silo under ./data. */
export const unit = defineUnit({
  name: "care",
  port: 4005,
  settings: {
    CARE_TIME_ZONE: timeZone("The IANA zone care's silo records the local time of new contacts in (the desk's zone, beside each time).", "Europe/Berlin"),
  },
  // Checks a write's customer against the graph (kit/subgraph/graph-client.ts).
  readsGraph: true,
  silo: { migrations: careMigrations, outbox: careOutbox, seedProbeTable: "crm_case", seed: (db, seed) => seedCare(db, generateWorld(seed)) },
  schema: { resolvers: [CustomerResolver, CareCaseResolver, ContactResolver], orphanedTypes: [Customer], references: { Customer: { __resolveReference: resolveCustomerReference } } },
  repositories: ({ db, outbox }) => ({ cases: new CaseRepository(db), writer: new CaseWriter(db, outbox) }),
  loaders: (repos) => ({
    casesOf: perArguments((args: { status: CaseStatus | null; first: number }) => listByKey((ids: readonly string[]) => repos.cases.byCustomers(ids, args.status, args.first))),
    openCaseCount: byKey((ids: readonly string[]) => repos.cases.openCounts(ids)),
    // Keyed by case number: the same case reached twice is read once.
    historyOf: new DataLoader<CareCase, CaseEntry[], string>(
      async (cases) => {
        const found = await repos.cases.historyOf(cases);
        return cases.map((c) => found.get(c.id) ?? []);
      },
      { cacheKeyFn: (c) => c.id },
    ),
    contactsOf: listByKey((ids: readonly string[]) => repos.cases.contactsOfCustomers(ids, TIMELINE_MAX)),
  }),
  // The zone care's desk logs local times in.
  context: ({ config }) => ({ timeZone: config.CARE_TIME_ZONE }),
});

/** A request's context in care, as the kit builds it from the declaration above. */
export type CareContext = ContextOf<typeof unit>;

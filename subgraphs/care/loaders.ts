import DataLoader from "dataloader";
import { TIMELINE_MAX, byKey, listByKey, perArguments } from "../../kit";
import type { CaseRepository } from "./case/case.repository";
import type { CareCase, CaseEntry, CaseStatus } from "./case/case.type";
import type { CaseWriter } from "./contact/case-writer";

export interface CareRepositories {
  cases: CaseRepository;
  writer: CaseWriter;
}

/** Care's loaders, made fresh for every request. */
export function createLoaders(repos: CareRepositories) {
  return {
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
  };
}

export type CareLoaders = ReturnType<typeof createLoaders>;

import { expectedFailures } from "../expected-failures";
import type { ConformanceGroup } from "./fixture";
import { type Planner, runnablePlanners } from "./gateway";
import { type RunningGroup, normalised, sameResponse, startGroup } from "./run";

/**
 * A group's cases as jest tests, under every planner the gateway runs. A
 * case on the planner's expected-failure list must still fail: when it
 * starts passing, its test fails and asks for the line to be removed.
 */
export function describeGroup(group: ConformanceGroup): void {
  describe.each(runnablePlanners.map((p) => [p]))(`${group.name} (%s planner)`, (planner: Planner) => {
    let running: RunningGroup;
    beforeAll(async () => {
      running = await startGroup(group, planner);
    });
    afterAll(async () => {
      await running?.stop();
    });

    for (const c of group.cases) {
      const knownWrong = expectedFailures[planner][`${group.name}/${c.id}`];
      if (knownWrong !== undefined) {
        test(`${c.id}: still wrong, as listed (${knownWrong})`, async () => {
          if (sameResponse(await running.execute(c), c.expected)) throw new Error(`now answered right: remove "${group.name}/${c.id}" from the ${planner} list in expected-failures.ts`);
        });
      } else {
        test(`${c.id}: ${c.behaviour}`, async () => {
          const received = await running.execute(c);
          expect(received).toEqual(normalised(c.expected));
          // toEqual ignores the order of fields; the response's order is part of the answer.
          expect(JSON.stringify(received)).toBe(JSON.stringify(normalised(c.expected)));
        });
      }
    }
  });
}

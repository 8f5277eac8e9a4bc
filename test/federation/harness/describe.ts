import { expectedFailures, isExpectedFailure } from "../expected-failures";
import type { ConformanceGroup } from "./fixture";
import { type Planner, runnablePlanners } from "./gateway";
import { type RunningGroup, normalised, sameResponse, startGroup } from "./run";

/**
 * A group's cases as jest tests, under every planner a gateway runs here.
 * A case on the planner's expected-failure list must still fail: when it
 * starts passing, the test says so and the list is updated.
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
      if (isExpectedFailure(planner, group.name, c.id)) {
        test(`${c.id}: still answered wrongly (expected failure)`, async () => {
          expect(sameResponse(await running.execute(c), c.expected)).toBe(false);
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

  test(`${group.name}: the expected-failure list names only cases of this group that exist`, () => {
    const ids = new Set(group.cases.map((c) => `${group.name}/${c.id}`));
    const listed = Object.values(expectedFailures).flat().filter((id) => id.startsWith(`${group.name}/`));
    expect(listed.filter((id) => !ids.has(id))).toEqual([]);
  });
}


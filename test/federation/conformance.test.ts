import { expectedFailures } from "./expected-failures";
import { groups } from "./groups";
import { describeGroup } from "./harness/describe";
import { defaultPlanner } from "./harness/gateway";

/*
 * The federation conformance cases, every group under every planner. One
 * file: the gateway, planner and composition modules load once, not once
 * per group (most of the time per file).
 */

for (const group of groups) describeGroup(group);

test("the default planner has no expected failures", () => {
  expect(expectedFailures[defaultPlanner]).toEqual([]);
});

test("group names are unique", () => {
  expect(new Set(groups.map((g) => g.name)).size).toBe(groups.length);
});

import { expectedFailures } from "./expected-failures";
import { groups } from "./groups";
import { describeGroup } from "./harness/describe";
import { defaultPlanner } from "./harness/gateway";

/*
 * The federation conformance cases, every group under every planner. One
 * file: the gateway, planner and composition modules load once, not once
 * per group (that was half the folder's time as a file per group).
 */

for (const group of groups) describeGroup(group);

test("the default planner passes every case another planner passes (it fails only where every planner does)", () => {
  const failingEverywhere = (id: string) => Object.values(expectedFailures).every((cases) => Object.prototype.hasOwnProperty.call(cases, id));
  expect(Object.keys(expectedFailures[defaultPlanner]).filter((id) => !failingEverywhere(id))).toEqual([]);
});

test("the expected-failure lists name only cases that exist", () => {
  const ids = new Set(groups.flatMap((g) => g.cases.map((c) => `${g.name}/${c.id}`)));
  const listed = Object.values(expectedFailures).flatMap((cases) => Object.keys(cases));
  expect(listed.filter((id) => !ids.has(id))).toEqual([]);
});

test("group names and case ids are unique", () => {
  const ids = groups.flatMap((g) => g.cases.map((c) => `${g.name}/${c.id}`));
  expect(new Set(groups.map((g) => g.name)).size).toBe(groups.length);
  expect(new Set(ids).size).toBe(ids.length);
});

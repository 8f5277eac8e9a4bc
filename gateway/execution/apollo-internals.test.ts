import { apollo, installedComputeResponse } from "./apollo-internals";
import { executeQueryPlan, installPlanExecutor } from "./executor";
import { computeResponse, installLeanResultShaping } from "./shaping";

describe("swapping the gateway's executor and shaping into @apollo/gateway", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const executorModule = require("@apollo/gateway/dist/executeQueryPlan") as { executeQueryPlan: unknown };

  it("puts ours where Apollo's executor looks them up, and keeps Apollo's own at hand", () => {
    expect(executorModule.executeQueryPlan).toBe(apollo.executeQueryPlan);
    expect(installedComputeResponse()).toBe(apollo.computeResponse);
    installPlanExecutor();
    installLeanResultShaping();
    expect(executorModule.executeQueryPlan).toBe(executeQueryPlan);
    expect(installedComputeResponse()).toBe(computeResponse);
    expect(apollo.executeQueryPlan).not.toBe(executeQueryPlan);
    expect(typeof apollo.computeResponse).toBe("function");
  });
});

import { requiresAbstract } from "./groups/requires-abstract";
import { describeGroup } from "./harness/describe";

describeGroup(requiresAbstract);

import { requiresArguments } from "./groups/requires-arguments";
import { describeGroup } from "./harness/describe";

describeGroup(requiresArguments);

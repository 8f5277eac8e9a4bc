import { keys } from "./groups/keys";
import { describeGroup } from "./harness/describe";

describeGroup(keys);

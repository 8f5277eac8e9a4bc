import { requires } from "./groups/requires";
import { describeGroup } from "./harness/describe";

describeGroup(requires);

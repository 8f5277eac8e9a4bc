import { keysMixed } from "./groups/keys-mixed";
import { describeGroup } from "./harness/describe";

describeGroup(keysMixed);

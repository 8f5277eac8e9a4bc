import { provides } from "./groups/provides";
import { describeGroup } from "./harness/describe";

describeGroup(provides);

import type { ConformanceGroup } from "../harness/fixture";
import { abstractTypes } from "./abstract-types";
import { inaccessible } from "./inaccessible";
import { interfaceObject } from "./interface-object";
import { keys } from "./keys";
import { keysMixed } from "./keys-mixed";
import { mutations } from "./mutations";
import { nullEntities } from "./null-entities";
import { override } from "./override";
import { provides } from "./provides";
import { requires } from "./requires";
import { requiresAbstract } from "./requires-abstract";
import { requiresArguments } from "./requires-arguments";
import { shareable } from "./shareable";
import { typename } from "./typename";

/** Every conformance group, in the order the planner table lists them. */
export const groups: readonly ConformanceGroup[] = [keys, keysMixed, requires, requiresArguments, requiresAbstract, provides, shareable, override, inaccessible, interfaceObject, abstractTypes, nullEntities, typename, mutations];

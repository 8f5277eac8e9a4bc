import { Authorized, Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { Access } from "../../../kit/subgraph";
import type { CareContext } from "../unit";
import { CareCase, CaseEntry } from "./case.type";

@Resolver(() => CareCase)
export class CareCaseResolver {
  // The case carries its customer's id, so the kit's check reads the owner from it.
  @Authorized(Access.OWNER)
  @FieldResolver(() => [CaseEntry], { description: "Every contact on the case, oldest first, the resolution last." })
  history(@Root() careCase: CareCase, @Ctx() ctx: CareContext): Promise<CaseEntry[]> {
    return ctx.loaders.historyOf.load(careCase);
  }
}

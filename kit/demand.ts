/**
 * Cost hints a unit declares for demand control (Federation 2.9's `@cost`
 * and `@listSize`, the IBM cost specification that Apollo Router and Hive
 * Gateway read too). The gateway estimates an operation's cost from them
 * before running it (gateway/admission/demand-control.ts): a list field
 * counts its selection once per element, so what matters most is how long
 * each list can be.
 */
/** A list as long as its `first` argument (or that argument's default). */
export const SLICED_BY_FIRST = `@listSize(slicingArguments: ["first"], requireOneSlicingArgument: false)`;
/** A page whose `items` list is as long as `first`. */
export const PAGE_SLICED_BY_FIRST = `@listSize(slicingArguments: ["first"], sizedFields: ["items"], requireOneSlicingArgument: false)`;
/** A list with no argument bounding it: the most it holds in practice, or its hard bound. */
export const assumedSize = (n: number): string => `@listSize(assumedSize: ${n})`;
/** A field whose resolver does more than read a row (the price engine), in units of an object fetched. */
export const costs = (weight: number): string => `@cost(weight: ${weight})`;

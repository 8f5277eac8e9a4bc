import { Kind, parse } from "graphql";
import { loadGatewayConfig } from "../../gateway/config";
import { createGateway } from "../../gateway/server";
import type { RunningServer } from "../../kit";
import { apolloGateway } from "./apollo-reference";
import { type DelayProxy, startDelayProxy } from "./delay-proxy";
import { type Stack, startStack } from "./stack";

/**
 * Four gateways over the same units, for reference-diff tests: the stack's
 * gateway on Hive's planner, a second gateway process on Apollo's planner,
 * a third choosing the cheaper of the two plans (GATEWAY_PLANNER=cheaper;
 * all three our executor), and stock ApolloGateway in this process as the
 * reference. Bookings sits behind a proxy per side, so one call takes it
 * away from all of them at once.
 */
export interface ComparedGateways {
  stack: Stack;
  urls: { hive: string; apollo: string; cheaper: string; reference: string };
  /** Bearer header values: agent, customer C000001, partner, anonymous (empty). */
  tokens: Map<string, string>;
  setBookingsDown(down: boolean): void;
  stop(): Promise<void>;
}

export async function startComparedGateways(gatewayEnv: Record<string, string> = {}): Promise<ComparedGateways> {
  const proxies: DelayProxy[] = await Promise.all([startDelayProxy(), startDelayProxy()]);
  const [ours, theirs] = proxies;
  let stack: Stack | undefined;
  let reference: RunningServer | undefined;
  try {
    stack = await startStack({ env: { GATEWAY_LOG_LEVEL: "error" }, gatewayEnv: { ...gatewayEnv, GATEWAY_PLANNER: "hive", SUBGRAPH_BOOKINGS_URL: ours.url } });
    const bookings = new URL(stack.unitUrls.get("bookings")!).origin;
    ours.target = theirs.target = bookings;
    const apollo = await stack.startGateway("gateway-apollo-planner", { ...gatewayEnv, GATEWAY_PLANNER: "apollo", SUBGRAPH_BOOKINGS_URL: ours.url });
    const cheaper = await stack.startGateway("gateway-cheaper-plan", { ...gatewayEnv, GATEWAY_PLANNER: "cheaper", SUBGRAPH_BOOKINGS_URL: ours.url });
    const env: Record<string, string> = { ...gatewayEnv, GATEWAY_PORT: "0", GATEWAY_LOG_LEVEL: "error", SUBGRAPH_BOOKINGS_URL: theirs.url };
    for (const [name, url] of stack.unitUrls) if (name !== "bookings") env[`SUBGRAPH_${name.toUpperCase()}_URL`] = url;
    reference = await (await createGateway(loadGatewayConfig(env), undefined, { engine: apolloGateway })).listen();
    const tokens = new Map([
      ["agent", `Bearer ${await stack.token("agent")}`],
      ["customer C000001", `Bearer ${await stack.token("customer", "C000001")}`],
      ["partner", `Bearer ${await stack.token("partner", "partner-travel-co")}`],
      ["anonymous", ""],
    ]);
    const started = stack;
    const referenceServer = reference;
    return {
      stack: started,
      urls: { hive: started.gatewayUrl, apollo, cheaper, reference: referenceServer.url },
      tokens,
      setBookingsDown: (down) => void (ours.target = theirs.target = down ? "" : bookings),
      async stop() {
        await referenceServer.close(1000);
        await started.stop();
        for (const proxy of proxies) await proxy.close();
      },
    };
  } catch (err) {
    await reference?.close(1000);
    await stack?.stop();
    for (const proxy of proxies) await proxy.close();
    throw err;
  }
}

export type AnswerJson = { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };

/**
 * An answer given while `unit` is down, as gateways can be compared on it:
 * each distinct error once (a planner may ask the unit fewer times), and an
 * error of the unit itself by the unit's name only. Whether a gateway's call
 * met the unit's breaker closed ("HTTP 502") or open ("failing fast")
 * depends on how many calls that gateway had made, not on its answer.
 */
export function whileDown(answer: AnswerJson, unit: string): { data: unknown; errors: string[] } {
  const errors = (answer.errors ?? []).map((e) => JSON.stringify(e.extensions?.unit === unit ? { ...e, message: `${unit} failed`, extensions: { unit } } : e));
  return { data: answer.data, errors: [...new Set(errors)] };
}

/**
 * The fields of the supergraph computed from other units' fields
 * (`@join__field(requires: …)`), as "Type.field". While a unit is down our
 * executor still runs them with null for what the unit would have given
 * (so they can say which unit is missing); stock Apollo skips them. So
 * they are compared between our planners, not with the reference.
 */
export function requiringFields(supergraphSdl: string): string[] {
  const coordinates: string[] = [];
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const field of definition.fields ?? []) {
      const requires = field.directives?.some((d) => d.name.value === "join__field" && d.arguments?.some((a) => a.name.value === "requires"));
      if (requires) coordinates.push(`${definition.name.value}.${field.name.value}`);
    }
  }
  return coordinates;
}

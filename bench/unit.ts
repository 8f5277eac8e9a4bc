import "reflect-metadata";
import { createLogger } from "../kit/log";
import { runMain } from "../kit/main";
import { startUnit } from "../kit/subgraph/unit";
import { loadUnit } from "../scripts/manifest";

/**
 * A unit as the bench runs it: `node dist/bench/unit.js <unit>`, started
 * like subgraphs/main.ts starts it in production (the same kit, the same
 * node flags, NODE_ENV=production in the process, so graphql-js and Apollo
 * Server run in their production modes: no multi-realm `instanceOf` check
 * on every type test, introspection off). Only its config is read as in
 * development, so that the bench's own switches, which production's config
 * refuses, take effect: unsigned requests of the stock gateways read as a
 * bench agent, and the fetch counters. Those switches are the bench's, set
 * by bench/processes.ts, never an operator's.
 */
const name = process.argv[2] ?? "";
runMain(createLogger(name || "bench-unit"), () => startUnit(loadUnit(name), { ...process.env, NODE_ENV: "development" }, process.argv.slice(3)));

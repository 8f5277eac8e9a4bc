import { describeOnServers } from "../support/servers";
import { graphContract } from "./graph.suite";

// The same contract in the production shape: bookings, retail and promotions
// on PostgreSQL, billing on MariaDB (subgraphs/manifest.json productionSilo).
describeOnServers(["postgres", "mysql"], "on the production servers", () => graphContract("servers"));

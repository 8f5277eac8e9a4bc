import { describeOnServers } from "../support/servers";
import { writesContract } from "./writes.suite";

// The same writes in the production shape: bookings and promotions on
// PostgreSQL, billing on MariaDB (subgraphs/manifest.json productionSilo).
describeOnServers(["postgres", "mysql"], "on the production servers", () => writesContract("servers"));

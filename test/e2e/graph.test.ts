import { graphContract } from "./graph.suite";

// The contract over the embedded default: every unit on its own SQLite file.
graphContract("sqlite");

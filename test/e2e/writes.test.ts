import { writesContract } from "./writes.suite";

// Writes over the embedded default: every unit on its own SQLite file.
writesContract("sqlite");

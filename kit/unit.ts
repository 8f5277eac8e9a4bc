import type { Knex } from "knex";
import type { Setting } from "./config";
import type { FederatedSchema } from "./federation";
import type { Logger } from "./log";
import { createLogger } from "./log";
import { runMain } from "./main";
import type { RunningServer } from "./http";

/**
 * What a business unit hands to the tooling: how to read its config, build
 * its schema (for composition, without a database) and start it. The start
 * script, composition and the tests find units through `subgraphs/manifest.json`
 * and this one export per unit (`subgraphs/<name>/unit.ts`).
 */
export interface UnitDefinition<Config> {
  name: string;
  settings: Record<string, Setting<unknown>>;
  loadConfig(env: Record<string, string | undefined>): Config;
  listenOn(config: Config): { port: number; host: string };
  buildSchema(): Promise<FederatedSchema>;
  create(config: Config): Promise<{ subgraph: { listen(port: number, host?: string): Promise<RunningServer> }; db: Knex }>;
}

/** `main.ts` of every unit: load config, start, serve, stop cleanly. */
export function runUnit<Config>(unit: UnitDefinition<Config>, logger: Logger = createLogger(unit.name)): void {
  runMain(logger, async () => {
    const config = unit.loadConfig(process.env);
    const { subgraph, db } = await unit.create(config);
    const { port, host } = unit.listenOn(config);
    const running = await subgraph.listen(port, host);
    return {
      url: running.url,
      async stop() {
        await running.close();
        await db.destroy();
      },
    };
  });
}

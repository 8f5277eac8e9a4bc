import "reflect-metadata";
import { createLogger, runMain } from "../../kit";
import { loadBillingConfig } from "./config";
import { createBillingServer } from "./server";

const logger = createLogger("billing");
runMain(logger, async () => {
  const config = loadBillingConfig(process.env);
  const { subgraph, db } = await createBillingServer(config);
  const running = await subgraph.listen(config.BILLING_PORT, config.BILLING_HOST);
  return {
    url: running.url,
    async stop() {
      await running.close();
      await db.destroy();
    },
  };
});

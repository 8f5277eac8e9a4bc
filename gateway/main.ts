import { createLogger } from "../kit/log";
import { runMain } from "../kit/main";
import { loadGatewayConfig } from "./config";
import { createGateway } from "./server";

runMain(createLogger("gateway"), async () => {
  const config = loadGatewayConfig(process.env);
  const gateway = await createGateway(config, createLogger("gateway", config.GATEWAY_LOG_LEVEL));
  const running = await gateway.listen();
  return { url: running.url, stop: () => running.close() };
});

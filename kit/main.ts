import type { Logger } from "./log";

/**
 * The shape of every process's main (gateway/main.ts, subgraphs/main.ts): start, log where we listen, stop cleanly on
 * SIGTERM/SIGINT, exit non-zero when start-up fails.
 */
export function runMain(logger: Logger, start: () => Promise<{ url: string; stop(): Promise<void> }>): void {
  start().then(
    ({ url, stop }) => {
      logger.info({ url }, "listening");
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, "shutting down");
        stop().then(
          () => process.exit(0),
          (err: unknown) => {
            logger.error({ err: String(err) }, "shutdown failed");
            process.exit(1);
          },
        );
      };
      process.on("SIGTERM", () => shutdown("SIGTERM"));
      process.on("SIGINT", () => shutdown("SIGINT"));
    },
    (err: unknown) => {
      logger.error({ err: err instanceof Error ? err.message : String(err) }, "failed to start");
      process.exit(1);
    },
  );
}

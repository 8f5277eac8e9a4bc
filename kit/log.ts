/**
 * Minimal structured logging: one JSON line per event on stderr, so that a
 * supervisor or a log shipper can read it. Never log tokens or personal data.
 */
export interface Logger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export type LogLevel = "silent" | "error" | "warn" | "info";
const RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3 };

export function createLogger(name: string, level: LogLevel = "info"): Logger {
  const write = (lvl: Exclude<LogLevel, "silent">, fields: Record<string, unknown>, msg: string) => {
    if (RANK[level] < RANK[lvl]) return;
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, name, msg, ...fields })}\n`);
  };
  return {
    info: (f, m) => write("info", f, m),
    warn: (f, m) => write("warn", f, m),
    error: (f, m) => write("error", f, m),
  };
}

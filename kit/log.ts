import pino, { type DestinationStream } from "pino";

/**
 * Structured logging with pino: one JSON line per event on stdout, for a
 * supervisor or a log shipper to read. Never log tokens, personal data or
 * GraphQL variables; the paths below are redacted in case a caller slips.
 */
export interface Logger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export const LOG_LEVELS = ["silent", "error", "warn", "info", "debug"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const REDACTED = ["authorization", "cookie", "variables", "headers.authorization", "headers.cookie", "*.authorization", "*.cookie", "*.variables"];

export function createLogger(name: string, level: LogLevel = "info"): Logger {
  return pino(
    {
      name,
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED, censor: "[redacted]" },
    },
    prettyInTerminal() ?? stdout(),
  );
}

let stdoutDestination: DestinationStream | undefined;

/**
 * Stdout, shared by every logger of the process: the lines of one turn of
 * the event loop go out in one synchronous write at its end (setImmediate),
 * in order. A write per line was a system call per request, 5 to 20 % of a
 * unit's busy CPU under load; under load a turn finishes many requests.
 * What is pending when the process exits is written then.
 */
function stdout(): DestinationStream {
  if (stdoutDestination) return stdoutDestination;
  const out = pino.destination({ dest: 1, sync: true });
  let pending = "";
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending === "") return;
    const lines = pending;
    pending = "";
    out.write(lines);
  };
  process.on("exit", flush);
  stdoutDestination = {
    write(line: string) {
      pending += line;
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
  };
  return stdoutDestination;
}

/**
 * Human-readable lines for a person at a terminal, when pino-pretty (a
 * development dependency) is installed; JSON everywhere else, so production
 * images need neither the package nor the TTY check to be right.
 */
function prettyInTerminal(): DestinationStream | undefined {
  if (!process.stdout.isTTY) return undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pretty = require("pino-pretty") as typeof import("pino-pretty");
    return pretty({ colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname", sync: true });
  } catch {
    return undefined;
  }
}

/**
 * An error's message as it may be logged. Knex prefixes a driver's error with
 * the statement and its values filled in (`select … where email = 'x@y' - …`);
 * those values may be personal data, so only the driver's own words and its
 * code are kept.
 */
export function loggableError(err: unknown): string {
  const cause = ((err as { originalError?: unknown })?.originalError ?? err) as { message?: unknown; code?: unknown };
  const message = typeof cause?.message === "string" ? cause.message : String(err);
  if (cause?.code === undefined) return message;
  const cut = message.lastIndexOf(" - ");
  const own = cut >= 0 ? message.slice(cut + 3) : message;
  return own.startsWith(String(cause.code)) ? own : `${String(cause.code)}: ${own}`;
}

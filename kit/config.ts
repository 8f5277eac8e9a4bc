/**
 * Typed configuration from environment variables. Every process has one
 * `config.ts` (a unit: its declaration) that declares its settings with these helpers; nothing else in
 * the code reads `process.env`. Loading validates everything at once and
 * fails with one message listing every bad key, so a misconfigured process
 * never starts half-right.
 */
export interface Setting<T> {
  /** One line a person reads in the README and in error messages. */
  doc: string;
  /** Raw default; undefined means the key is required. */
  default?: string;
  parse(raw: string): T;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

export const text = (doc: string, fallback?: string): Setting<string> => ({
  doc,
  default: fallback,
  parse: (raw) => raw,
});

export const integer = (doc: string, fallback: number | undefined, min = 0, max = Number.MAX_SAFE_INTEGER): Setting<number> => ({
  doc,
  default: fallback === undefined ? undefined : String(fallback),
  parse(raw) {
    if (!/^-?\d+$/.test(raw.trim())) throw new Error(`expected an integer, got "${raw}"`);
    const value = Number(raw);
    if (value < min || value > max) throw new Error(`expected ${min}..${max}, got ${value}`);
    return value;
  },
});

export const flag = (doc: string, fallback: boolean): Setting<boolean> => ({
  doc,
  default: String(fallback),
  parse(raw) {
    const v = raw.trim().toLowerCase();
    if (["1", "true", "yes", "on"].includes(v)) return true;
    if (["0", "false", "no", "off"].includes(v)) return false;
    throw new Error(`expected true or false, got "${raw}"`);
  },
});

export const oneOf = <T extends string>(doc: string, choices: readonly T[], fallback: T): Setting<T> => ({
  doc,
  default: fallback,
  parse(raw) {
    if (!(choices as readonly string[]).includes(raw)) throw new Error(`expected one of ${choices.join(", ")}, got "${raw}"`);
    return raw as T;
  },
});

export const httpUrl = (doc: string, fallback?: string): Setting<string> => ({
  doc,
  default: fallback,
  parse(raw) {
    const url = new URL(raw);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`expected an http(s) URL, got "${raw}"`);
    return raw;
  },
});

export type ConfigOf<S extends Record<string, Setting<unknown>>> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

export function loadConfig<S extends Record<string, Setting<unknown>>>(spec: S, env: Record<string, string | undefined>): ConfigOf<S> {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(spec)) {
    const raw = env[key] !== undefined && env[key] !== "" ? env[key] : setting.default;
    if (raw === undefined) {
      problems.push(`${key} is required (${setting.doc})`);
      continue;
    }
    try {
      out[key] = setting.parse(raw);
    } catch (err) {
      problems.push(`${key}: ${(err as Error).message} (${setting.doc})`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as ConfigOf<S>;
}

/** The table the README documents: key, default, meaning. */
export function describeConfig(spec: Record<string, Setting<unknown>>): string {
  return Object.entries(spec)
    .map(([key, s]) => `| \`${key}\` | ${s.default === undefined ? "(required)" : `\`${s.default}\``} | ${s.doc} |`)
    .join("\n");
}

/** An IANA time zone, refused at start when the runtime does not know it; read as the runtime's canonical name. */
export const timeZone = (doc: string, fallback?: string): Setting<string> => ({
  doc,
  default: fallback,
  parse(raw) {
    try {
      return new Intl.DateTimeFormat("en", { timeZone: raw }).resolvedOptions().timeZone;
    } catch {
      throw new Error(`unknown time zone ${JSON.stringify(raw)}`);
    }
  },
});

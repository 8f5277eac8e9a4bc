/**
 * A strict reader of the Prometheus text exposition format (0.0.4), enough
 * to prove a `/metrics` page is what a Prometheus server accepts: every
 * sample belongs to a family declared by `# TYPE` before it, names and
 * labels are well formed, values are numbers, and each histogram's `+Inf`
 * bucket equals its `_count`. Throws naming the first bad line.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  types: Map<string, string>;
  /** Samples of `name` whose labels include `labels`. */
  find(name: string, labels?: Record<string, string>): Sample[];
  /** Sum of the values of those samples (0 when there are none). */
  sum(name: string, labels?: Record<string, string>): number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"\s*(,|$)/y;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);
const SUFFIXES: Record<string, string[]> = { histogram: ["_bucket", "_sum", "_count"], summary: ["", "_sum", "_count"], counter: ["", "_total"] };

export function parsePrometheusText(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    const where = `line ${i + 1} ("${line}")`;
    if (line.trim() === "") return;
    if (line.startsWith("#")) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!m) return; // other comments are allowed
      if (!NAME.test(m[2])) throw new Error(`bad metric name at ${where}`);
      if (m[1] === "TYPE") {
        if (!TYPES.has(m[3])) throw new Error(`unknown type at ${where}`);
        if (types.has(m[2])) throw new Error(`second TYPE for ${m[2]} at ${where}`);
        types.set(m[2], m[3]);
      }
      return;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: -?\d+)?$/.exec(line);
    if (!m) throw new Error(`not a sample at ${where}`);
    const [, name, labelText = "", raw] = m;
    const value = parseValue(raw);
    if (value === undefined) throw new Error(`bad value at ${where}`);
    const family = familyOf(name, types);
    if (!family) throw new Error(`sample before its # TYPE at ${where}`);
    samples.push({ name, labels: parseLabels(labelText, where), value });
  });
  for (const [family, type] of types) {
    if (type !== "histogram") continue;
    const counts = samples.filter((s) => s.name === `${family}_count`);
    for (const count of counts) {
      const inf = samples.find((s) => s.name === `${family}_bucket` && s.labels.le === "+Inf" && sameLabels(count.labels, withoutLe(s.labels)));
      if (!inf || inf.value !== count.value) throw new Error(`${family}: +Inf bucket differs from _count for ${JSON.stringify(count.labels)}`);
    }
  }
  const find = (name: string, labels: Record<string, string> = {}) => samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return { samples, types, find, sum: (name, labels) => find(name, labels).reduce((a, s) => a + s.value, 0) };
}

/** As Go's strconv.ParseFloat, which Prometheus uses: NaN and Inf in any case, with a sign for Inf. */
function parseValue(raw: string): number | undefined {
  if (/^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(raw)) return Number(raw);
  if (/^nan$/i.test(raw)) return NaN;
  const inf = /^([-+]?)inf(?:inity)?$/i.exec(raw);
  return inf ? (inf[1] === "-" ? -Infinity : Infinity) : undefined;
}

function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name) && types.get(name) !== "histogram") return name;
  for (const [family, type] of types) {
    for (const suffix of SUFFIXES[type] ?? [""]) if (name === `${family}${suffix}`) return family;
  }
  return undefined;
}

function parseLabels(text: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const m = LABEL.exec(text);
    if (!m) throw new Error(`bad labels at ${where}`);
    if (m[1] in labels) throw new Error(`label ${m[1]} twice at ${where}`);
    labels[m[1]] = m[2].replace(/\\(["\\n])/g, (_, c: string) => (c === "n" ? "\n" : c));
    if (m[3] === "") break;
  }
  return labels;
}

function withoutLe(labels: Record<string, string>): Record<string, string> {
  const { le: _le, ...rest } = labels;
  return rest;
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

import { readFileSync } from "node:fs";
import { answerHelp, usageError } from "../scripts/cli";

/**
 * The top frames of a V8 CPU profile (`npm run bench -- --profile=…` writes
 * them to bench/profiles/), by self time, and where the time went by package
 * or project file:
 *
 *   node dist/bench/top.js bench/profiles/ours/<file>.cpuprofile [frames] [inclusive-regexp]
 *
 * With a regular expression, also the inclusive time of the frames whose
 * name and place match it (each frame once per sample, however deep it recurses).
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A package (`@apollo/gateway`), a file of this project (`gateway/calls.js`), a Node internal, or `(native)`. */
export function placeOf(url: string): string {
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return dependency[1];
  return url.replace(/^.*\/dist\//, "") || "(native)";
}

export function summarise(profile: Profile, frames = 30, inclusive?: RegExp): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const timeOf = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    timeOf.set(id, (timeOf.get(id) ?? 0) + dt);
    total += dt;
  });
  const nameOf = (n: ProfileNode) => `${n.callFrame.functionName || "(anonymous)"} ${placeOf(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const add = (map: Map<string, number>, key: string, t: number) => map.set(key, (map.get(key) ?? 0) + t);
  const self = new Map<string, number>();
  const places = new Map<string, number>();
  for (const [id, t] of timeOf) {
    const node = byId.get(id)!;
    add(self, nameOf(node), t);
    add(places, placeOf(node.callFrame.url), t);
  }
  const pct = (t: number) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, t]) => `${pct(t)} ${k}`);
  const lines = [`${(total / 1e6).toFixed(1)} s sampled`, "by package or file (self):", ...top(places, 15), "by frame (self):", ...top(self, frames)];
  if (inclusive) {
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const within = new Map<string, number>();
    for (const [id, t] of timeOf) {
      const seen = new Set<string>();
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const name = nameOf(byId.get(at)!).replace(/:\d+$/, "");
        if (inclusive.test(name) && !seen.has(name)) {
          seen.add(name);
          add(within, name, t);
        }
      }
    }
    lines.push("inclusive:", ...top(within, frames));
  }
  return lines;
}

const USAGE = `usage: node dist/bench/top.js <file.cpuprofile> [frames] [inclusive-regexp]
The top frames of a V8 CPU profile (npm run bench -- --profile=...) by self time, default 30;
with a regular expression, also the inclusive time of the frames whose names match it.`;

if (require.main === module) {
  answerHelp(USAGE);
  const [file, frames, pattern] = process.argv.slice(2);
  if (!file) process.exit(usageError("which profile?", USAGE));
  console.log(summarise(JSON.parse(readFileSync(file, "utf8")) as Profile, Number(frames ?? 30), pattern ? new RegExp(pattern) : undefined).join("\n"));
}

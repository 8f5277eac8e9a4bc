import { readFileSync } from "node:fs";
import { join } from "node:path";
import semver from "semver";
import { ROOT } from "../../scripts/manifest";

/**
 * `npm ci` on any Node the project says it supports prints no engine
 * warning: every package in the lock accepts the oldest Node of
 * package.json's `engines` (and the one running this test). A dependency
 * that needs a newer Node fails here, before a newcomer's install warns;
 * then raise `engines` and the README's "Node.js … or newer" together, or
 * keep the dependency out (the bench's comparison gateways live in
 * bench/contenders for that reason).
 */
describe("the install", () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { engines: { node: string } };
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string; engines?: { node?: string } | string[] }> };
  const oldest = semver.minVersion(pkg.engines.node)!.version;

  it.each([
    ["the oldest Node package.json accepts", oldest],
    ["this Node", process.versions.node],
  ])("has no package in package-lock.json that refuses %s (%s)", (_what, node) => {
    const refusing = Object.entries(lock.packages)
      .filter(([path, meta]) => path !== "" && !Array.isArray(meta.engines) && meta.engines?.node && !semver.satisfies(node, meta.engines.node))
      .map(([path, meta]) => `${path.replace(/^node_modules\//, "")}@${meta.version}: node ${(meta.engines as { node: string }).node}`);
    expect(refusing).toEqual([]);
  });

  it("says the same minimum in README.md", () => {
    const [major, minor] = oldest.split(".");
    expect(readFileSync(join(ROOT, "README.md"), "utf8")).toContain(`Node.js ${major}.${minor} or newer`);
  });
});

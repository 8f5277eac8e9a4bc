// ESLint for the whole repository (`npm run lint`, part of `npm run check`).
// Two jobs: the STYLE habits (type-only imports, no focused test left behind)
// and the boundaries between the parts that the folders promise, checked on
// every import so that a wrong one fails the build, not a review:
//   - the gateway uses the common kit only, and knows no unit;
//   - the common kit (kit/, but kit/subgraph/) needs no unit runtime: no
//     type-graphql, knex, @apollo/subgraph, dataloader or database driver;
//   - a unit (subgraphs/<unit>/) imports no other unit.
import { dirname, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import jest from "eslint-plugin-jest";
import tseslint from "typescript-eslint";

const ROOT = dirname(fileURLToPath(import.meta.url));

/** Packages only a unit's process needs (the subgraph kit wraps them). */
const UNIT_RUNTIME_PACKAGES = ["type-graphql", "knex", "@apollo/subgraph", "@apollo/subgraph/*", "dataloader", "better-sqlite3", "pg", "pg/*", "mysql2", "mysql2/*"];

/** Where a repository path lies: the gateway, the common or subgraph kit, a unit (by name), or elsewhere. */
function partOf(path) {
  const [top, second] = path.split("/");
  if (top === "gateway") return { part: "gateway" };
  if (top === "kit") return { part: second === "subgraph" ? "subgraph kit" : "common kit" };
  if (top === "subgraphs" && second && !second.includes(".")) return { part: "unit", unit: second };
  return { part: "other" };
}

/** Why an import from `from` of `to` crosses a boundary, or null when it may. */
function crossing(from, to) {
  if (from.part === "gateway" && (to.part === "subgraph kit" || to.part === "unit")) return `the gateway may use the common kit only, not the ${to.part === "unit" ? `${to.unit} unit` : "subgraph kit"}`;
  if (from.part === "common kit" && (to.part === "subgraph kit" || to.part === "unit")) return `the common kit may not import the ${to.part === "unit" ? `${to.unit} unit` : "subgraph kit"} (the gateway uses it)`;
  if (from.part === "subgraph kit" && to.part === "unit") return `the kit may not import the ${to.unit} unit`;
  if (from.part === "unit" && to.part === "unit" && from.unit !== to.unit) return `the ${from.unit} unit may not import the ${to.unit} unit: units share only the kit and the graph`;
  return null;
}

/** One rule for the folder boundaries, on relative imports resolved to repository paths. */
const boundaries = {
  rules: {
    "no-crossing": {
      meta: { type: "problem", schema: [], messages: { crossing: "{{why}} ({{spec}})" } },
      create(context) {
        const file = relative(ROOT, context.filename).split(sep).join("/");
        const from = partOf(file);
        const check = (node, spec) => {
          if (typeof spec !== "string" || !spec.startsWith(".")) return;
          const target = relative(ROOT, resolve(ROOT, dirname(file), spec))
            .split(sep)
            .join("/");
          const why = crossing(from, partOf(target));
          if (why) context.report({ node, messageId: "crossing", data: { why, spec } });
        };
        const source = (node) => node.source && check(node.source, node.source.value);
        return {
          ImportDeclaration: source,
          ExportAllDeclaration: source,
          ExportNamedDeclaration: source,
          ImportExpression: (node) => node.source.type === "Literal" && check(node.source, node.source.value),
          CallExpression(node) {
            const [arg] = node.arguments;
            if (node.callee.type !== "Identifier" || node.callee.name !== "require" || !arg) return;
            // require(`./${name}/unit`): the static head says where it reaches.
            const spec = arg.type === "Literal" ? arg.value : arg.type === "TemplateLiteral" ? arg.quasis[0].value.cooked : undefined;
            check(arg, spec);
          },
        };
      },
    },
  },
};

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "bench/contenders/", "data/", "test-artifacts/", "gateway/http/graphiql-app/", "**/*.js", "**/*.tmpl"] },
  {
    files: ["**/*.ts", "**/*.tsx", "**/*.mjs"],
    languageOptions: {
      parser: tseslint.parser,
      // Without type information: fast enough for every `npm test`. The decorator
      // settings tell consistent-type-imports which imports decorators' metadata needs.
      parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true },
    },
    // The code names rules in eslint-disable comments that are not on here (no-explicit-any...).
    linterOptions: { reportUnusedDisableDirectives: "off" },
    plugins: { "@typescript-eslint": tseslint.plugin, boundaries },
    rules: {
      "boundaries/no-crossing": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
    },
  },
  {
    files: ["kit/**/*.ts"],
    ignores: ["kit/subgraph/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: UNIT_RUNTIME_PACKAGES, message: "The common kit is for the gateway too; what needs this package belongs in kit/subgraph/." }] }],
    },
  },
  {
    files: ["**/*.test.ts", "test/**/*.ts"],
    plugins: { jest },
    rules: { "jest/no-focused-tests": "error" },
  },
);

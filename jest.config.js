/** @type {import('jest').Config} */
const transform = { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.jest.json", diagnostics: false }] };
// Suites over real processes send bursts (50 concurrent writes); on a busy
// 2-core machine 5 s per test is too tight to mean anything.
const common = { testEnvironment: "node", transform, setupFiles: ["reflect-metadata"], moduleFileExtensions: ["ts", "js", "json"] };
const integration = ["\\.int\\.test\\.ts$"];

// Tests (and the processes they start) run in a zone that is neither UTC nor
// a whole hour from it, unless TZ is set: an answer that depends on the
// process's time zone, not the silo's data, then fails a test.
process.env.TZ = process.env.TZ || "America/St_Johns";

module.exports = {
  testTimeout: 30_000,
  projects: [
    // Unit tests and each subgraph against its own fresh SQLite silo.
    { ...common, displayName: "unit", testMatch: ["<rootDir>/{kit,gateway,subgraphs,demo,scripts,test/unit}/**/*.test.ts"], testPathIgnorePatterns: integration },
    // Federation conformance: every case under each query planner, over small in-process subgraphs.
    { ...common, displayName: "federation", testMatch: ["<rootDir>/test/federation/**/*.test.ts"] },
    // The gateway over all subgraphs as real processes, on SQLite silos.
    { ...common, displayName: "e2e", testMatch: ["<rootDir>/test/e2e/**/*.test.ts"], testPathIgnorePatterns: integration },
    // Subgraphs, and the end-to-end suite, on real PostgreSQL and MariaDB
    // servers (started if stopped; skipped where unreachable, unless CI=true).
    { ...common, displayName: "int", testMatch: ["<rootDir>/{kit,subgraphs,test}/**/*.int.test.ts"], globalSetup: "<rootDir>/test/support/servers.setup.ts" },
  ],
};

/** @type {import('jest').Config} */
const transform = { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.jest.json", diagnostics: false }] };
const common = { testEnvironment: "node", transform, setupFiles: ["reflect-metadata"], moduleFileExtensions: ["ts", "js", "json"] };

module.exports = {
  projects: [
    // Unit tests and each subgraph against its own fresh SQLite silo.
    { ...common, displayName: "unit", testMatch: ["<rootDir>/{kit,gateway,subgraphs,demo,scripts,test/unit}/**/*.test.ts"], testPathIgnorePatterns: ["\\.int\\.test\\.ts$"] },
    // The gateway over all subgraphs as real processes.
    { ...common, displayName: "e2e", testMatch: ["<rootDir>/test/e2e/**/*.test.ts"] },
  ],
};

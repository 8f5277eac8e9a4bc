import type { Knex } from "knex";
import type { Dialect } from "../../kit/subgraph/db";
import type { Subgraph } from "../../kit/subgraph/subgraph";
import { execute } from "./execute";
import { describeOnServers } from "./servers";
import { countStatements } from "./silo";
import { DIALECT_NAME, type ScratchSilo, scratchSilo } from "./silos";

/**
 * One unit on every dialect it claims: booted over a fresh SQLite file, a
 * fresh PostgreSQL database and a fresh MariaDB database, each migrated and
 * seeded with the same demo company, so the same operation can be asked of
 * all three and the answers compared.
 */
export const ALL_DIALECTS: readonly Dialect[] = ["sqlite", "postgres", "mysql"];

export interface UnitServer {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  subgraph: Subgraph<any>;
  db: Knex;
}

export interface Booted<S extends UnitServer> {
  dialect: Dialect;
  server: S;
  /** The silo's URL, for opening a second connection (another session, another zone). */
  url: string;
}

/**
 * `describe` for a unit on every dialect (skipped, saying why, where a
 * server is unreachable): the unit's `operations` must answer the same
 * everywhere (expectSameAnswers), and `body` adds the unit's own checks.
 * `booted()` gives the unit per dialect, SQLite first; boot times (migrate
 * and seed 1,000 customers) are printed.
 */
export function describeOnEveryDialect<S extends UnitServer>(unit: string, boot: (url: string) => Promise<S>, operations: Record<string, Operation>, body: (booted: () => Booted<S>[]) => void): void {
  describeOnServers(["postgres", "mysql"], `${unit} on SQLite, PostgreSQL and MariaDB`, () => {
    const booted: Booted<S>[] = [];
    const silos: ScratchSilo[] = [];
    beforeAll(async () => {
      const took: string[] = [];
      // One after another, so the times are comparable.
      for (const dialect of ALL_DIALECTS) {
        const silo = await scratchSilo(dialect, unit);
        silos.push(silo);
        const began = Date.now();
        booted.push({ dialect, server: await boot(silo.url), url: silo.url });
        took.push(`${Date.now() - began} ms on ${DIALECT_NAME[dialect]}`);
      }
      process.stdout.write(`${unit}: migrated and seeded the demo company in ${took.join(", ")}\n`);
    }, 60_000);
    afterAll(async () => {
      for (const b of booted) await b.server.db.destroy();
      for (const silo of silos) await silo.cleanup();
    });
    it("answers every operation the same on each dialect, in as many statements", () => expectSameAnswers(booted, operations));
    body(() => booted);
  });
}

export interface Operation {
  query: string;
  variables?: Record<string, unknown>;
}

/**
 * Asks every operation of the unit on every dialect and expects, for each,
 * no errors, the same data as on SQLite (the same money strings, the same
 * UTC times, the same order) and the same number of SQL statements.
 */
export async function expectSameAnswers(booted: readonly Booted<UnitServer>[], operations: Record<string, Operation>): Promise<void> {
  for (const [operation, { query, variables }] of Object.entries(operations)) {
    const answers = [];
    for (const { dialect, server } of booted) {
      const statements = countStatements(server.db);
      const { data, errors } = await execute(server.subgraph, query, variables);
      statements.stop();
      answers.push({ operation, dialect, errors, data, statements: statements.count });
    }
    const [reference] = answers;
    expect(reference.errors).toBeUndefined();
    for (const answer of answers) expect(answer).toEqual({ ...reference, dialect: answer.dialect });
  }
}

/** `describe` once per dialect; a server dialect is skipped (saying why) where its server is unreachable. */
export function describeEachDialect(title: string, body: (dialect: Dialect) => void): void {
  for (const dialect of ALL_DIALECTS) {
    const name = `${title} on ${DIALECT_NAME[dialect]}`;
    if (dialect === "sqlite") describe(name, () => body(dialect));
    else describeOnServers([dialect], name, () => body(dialect));
  }
}

/**
 * Writes rows straight into each dialect's silo (as the silo's other
 * clients would), then asks `operation` of the unit and expects exactly
 * `data` on every dialect.
 */
export async function expectEveryDialectToRead<S extends UnitServer>(booted: readonly Booted<S>[], write: (b: Booted<S>) => Promise<void>, operation: Operation, data: unknown): Promise<void> {
  for (const b of booted) {
    await write(b);
    const { data: read, errors } = await execute(b.server.subgraph, operation.query, operation.variables);
    expect({ dialect: b.dialect, errors, data: read }).toEqual({ dialect: b.dialect, errors: undefined, data });
  }
}

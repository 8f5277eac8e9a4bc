import knex, { type Knex } from "knex";
import { type Migration, dialectOf, migrate } from "./db";

/**
 * What a unit needs of its silo, and whether a silo has it. A unit may run
 * against a database it did not create (`<UNIT>_DB_MIGRATE=false`); then it
 * checks at start that every table and column it reads is there, and refuses
 * to start otherwise.
 *
 * The list is never written by hand: it is what the unit's own migrations
 * create, found by running them on a scratch in-memory SQLite database. The
 * migrations stay the one description of the silo.
 */
export type SiloSchema = ReadonlyMap<string, readonly string[]>;

const requiredByMigrations = new WeakMap<Record<string, Migration>, Promise<SiloSchema>>();

export function requiredSchema(migrations: Record<string, Migration>): Promise<SiloSchema> {
  let schema = requiredByMigrations.get(migrations);
  if (!schema) {
    schema = schemaAfterMigrating(migrations);
    requiredByMigrations.set(migrations, schema);
  }
  return schema;
}

async function schemaAfterMigrating(migrations: Record<string, Migration>): Promise<SiloSchema> {
  const scratch = knex({ client: "better-sqlite3", connection: { filename: ":memory:" }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
  try {
    await migrate(scratch, migrations);
    const found = await siloSchema(scratch);
    // knex's own bookkeeping is not something the unit reads.
    return new Map([...found].filter(([table]) => !table.startsWith("knex_")));
  } finally {
    await scratch.destroy();
  }
}

/** The tables (and views) of the silo's current database or schema, with their columns. */
export async function siloSchema(db: Knex): Promise<SiloSchema> {
  let rows: { table_name: string; column_name: string }[];
  switch (dialectOf(db)) {
    case "sqlite":
      rows = await db.raw("select m.name as table_name, p.name as column_name from sqlite_master m join pragma_table_info(m.name) p where m.type in ('table', 'view') and m.name not like 'sqlite_%' order by m.name, p.cid");
      break;
    case "postgres":
      rows = (await db.raw("select table_name, column_name from information_schema.columns where table_schema = current_schema() order by table_name, ordinal_position")).rows;
      break;
    case "mysql":
      // MySQL 8 names these columns in upper case; alias them.
      [rows] = await db.raw("select table_name as table_name, column_name as column_name from information_schema.columns where table_schema = database() order by table_name, ordinal_position");
      break;
  }
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.table_name, [...(out.get(r.table_name) ?? []), r.column_name]);
  return out;
}

export interface SchemaGap {
  tables: string[];
  /** `table.column`, for tables that exist. */
  columns: string[];
}

/**
 * What `required` lacks in `actual`. PostgreSQL folds unquoted names to
 * lower case but matches quoted ones exactly (knex quotes), so names compare
 * exactly there; SQLite and MySQL columns are case-insensitive.
 */
export function schemaGap(required: SiloSchema, actual: SiloSchema, exactCase: boolean): SchemaGap {
  const fold = (name: string) => (exactCase ? name : name.toLowerCase());
  const present = new Map([...actual].map(([table, columns]) => [fold(table), new Set(columns.map(fold))]));
  const gap: SchemaGap = { tables: [], columns: [] };
  for (const [table, columns] of required) {
    const have = present.get(fold(table));
    if (!have) gap.tables.push(table);
    else for (const column of columns) if (!have.has(fold(column))) gap.columns.push(`${table}.${column}`);
  }
  return gap;
}

/** The gap between what the migrations create and what the silo has; empty when nothing is missing. */
export async function missingFromSilo(db: Knex, migrations: Record<string, Migration>): Promise<SchemaGap> {
  return schemaGap(await requiredSchema(migrations), await siloSchema(db), dialectOf(db) === "postgres");
}

export function describeGap(gap: SchemaGap): string {
  return [gap.tables.length ? `tables ${gap.tables.join(", ")}` : "", gap.columns.length ? `columns ${gap.columns.join(", ")}` : ""].filter(Boolean).join("; ");
}

import "reflect-metadata";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSilo, dialectOfUrl, redactUrl } from "../kit/subgraph/db";
import { answerHelp, progress } from "./cli";
import { loadUnit, readManifest } from "./manifest";

/**
 * `npm run demo:reset`: every unit's SQLite silo back to the demo world its
 * first start seeded, so the README's stories and GraphiQL's examples (a
 * redemption, a withdrawn consent) can be run again. The units may keep
 * running: each silo gets the fresh rows in one transaction, so a request
 * sees the old world or the new one, never half of each or an empty one.
 *
 * The fresh world is made the way a first start makes it (the unit's own
 * migrations and seed, through its definition), in a scratch file, then
 * copied table by table into the live silo. Only silos the unit manages
 * (`<UNIT>_DB_MIGRATE=true`) and only SQLite files: a database server is
 * reset by recreating it (docker compose down -v), and a database the unit
 * did not create is never touched.
 */
const USAGE = `usage: npm run demo:reset
Puts every unit's SQLite silo back to the demo world (the seed's data, as on a first start),
also while the graph is running. Reads the units' settings as they do (<UNIT>_DB_URL, default
./data/<unit>.sqlite; <UNIT>_SEED). Units on a database server are not reset: recreate their
databases (docker compose down -v && docker compose up --build). Exit 1 if a unit was not reset.
Uses the build in dist/ (npm start and npm run build make it).`;

type Env = Record<string, string | undefined>;

/** The unit's settings, read as the unit reads them: its URL, whether it manages its silo. */
function siloOf(name: string, env: Env): { url: string; managed: boolean } {
  const prefix = name.toUpperCase();
  const config = loadUnit(name).loadConfig(env) as Record<string, unknown>;
  return { url: String(config[`${prefix}_DB_URL`]), managed: config[`${prefix}_DB_MIGRATE`] === true };
}

/** What a start of the unit does to a silo: migrate it, and seed it if it is empty. */
async function prepareAsOnStart(name: string, env: Env): Promise<void> {
  const unit = loadUnit(name);
  const { db } = await unit.create(unit.loadConfig(env));
  await db.destroy();
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/** Every table of `fresh` (the unit's own, not knex's bookkeeping) copied over the same table of the silo at `url`, in one transaction. */
async function replaceRows(url: string, fresh: string): Promise<number> {
  const db = createSilo(url, { statementTimeoutMs: 30_000 });
  try {
    // SQLite's pool is one connection: the attachment holds for the transaction below.
    await db.raw("ATTACH DATABASE ? AS fresh", [fresh]);
    const tables = (await db.raw("SELECT name FROM fresh.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'knex_%' ORDER BY name")) as { name: string }[];
    const sequences = ((await db.raw("SELECT count(*) AS n FROM fresh.sqlite_master WHERE name = 'sqlite_sequence'")) as { n: number }[])[0].n > 0;
    await db.transaction(async (trx) => {
      // Rows refer to each other; the references are checked once, at commit. Every table is
      // emptied before any is filled, so no cascading delete reaches a row just copied.
      await trx.raw("PRAGMA defer_foreign_keys = ON");
      for (const { name } of tables) await trx.raw(`DELETE FROM main.${quote(name)}`);
      for (const { name } of tables) {
        const columns = ((await trx.raw(`PRAGMA fresh.table_info(${quote(name)})`)) as { name: string }[]).map((c) => quote(c.name)).join(", ");
        await trx.raw(`INSERT INTO main.${quote(name)} (${columns}) SELECT ${columns} FROM fresh.${quote(name)}`);
      }
      // Generated ids continue where the fresh world's do, as after a first start.
      if (sequences) {
        await trx.raw("DELETE FROM main.sqlite_sequence");
        await trx.raw("INSERT INTO main.sqlite_sequence (name, seq) SELECT name, seq FROM fresh.sqlite_sequence");
      }
    });
    await db.raw("DETACH DATABASE fresh");
    return tables.length;
  } finally {
    await db.destroy();
  }
}

/** Resets one unit's silo; the reason when it is not a silo this command may reset. */
export async function resetUnit(name: string, env: Env): Promise<{ reset: true; url: string } | { reset: false; why: string }> {
  const prefix = name.toUpperCase();
  const { url, managed } = siloOf(name, env);
  if (dialectOfUrl(url) !== "sqlite") return { reset: false, why: `on a database server (${redactUrl(url)}): recreate its database (docker compose down -v && docker compose up --build)` };
  if (!managed) return { reset: false, why: `${prefix}_DB_MIGRATE=false: ${redactUrl(url)} is not the unit's to rewrite` };
  const scratch = mkdtempSync(join(tmpdir(), `cg-demo-${name}-`));
  try {
    const fresh = join(scratch, `${name}.sqlite`);
    await prepareAsOnStart(name, { ...env, [`${prefix}_DB_URL`]: fresh });
    // The live silo at the schema this build expects (what the unit's next start would do anyway).
    await prepareAsOnStart(name, env);
    await replaceRows(url, fresh);
    return { reset: true, url };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  answerHelp(USAGE);
  if (process.env.NODE_ENV === "production") {
    progress("demo:reset replaces every row of the units' silos with demo data: refused with NODE_ENV=production");
    return 1;
  }
  const reset: string[] = [];
  let failed = 0;
  for (const { name } of readManifest()) {
    const outcome = await resetUnit(name, process.env);
    if (outcome.reset) reset.push(name);
    else {
      failed += 1;
      progress(`${name}: not reset, ${outcome.why}`);
    }
  }
  if (reset.length > 0) process.stdout.write(`demo world restored: ${reset.join(", ")}\n`);
  return failed > 0 ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`demo:reset failed: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}

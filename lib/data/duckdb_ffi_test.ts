import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { type FfiDuck, openFfiDuck } from "./duckdb_ffi.ts";
import { CandlelabError } from "../util/errors.ts";

async function withDuck<T>(fn: (duck: FfiDuck) => Promise<T>): Promise<T> {
  const duck = await openFfiDuck();
  assert.ok(duck, "openFfiDuck() returned undefined although the test runs with -A");
  try {
    return await fn(duck);
  } finally {
    duck.close();
  }
}

/** The reference: every cell through node-api's per-value conversion. */
async function perValue(sql: string): Promise<Float64Array[]> {
  const instance = await DuckDBInstance.create(":memory:");
  const con = await instance.connect();
  try {
    const cols = (await con.runAndReadAll(sql)).getColumnsJS();
    return cols.map((col) => Float64Array.from(col, (v) => (v === null ? NaN : Number(v))));
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}

// 5000 rows = three 2048-row chunks; BIGINT, DECIMAL, FLOAT, DOUBLE, NULL (at varied bit positions) and NaN.
const MIXED = `SELECT i * 60000 + 1577836800000 AS ts,
    CASE WHEN i % 7 = 3 OR i IN (31, 32, 63, 64, 2047, 2048) THEN NULL ELSE CAST(i AS DECIMAL(12, 3)) / 8 END AS d,
    CAST(i AS FLOAT) / 3 AS f,
    CASE WHEN i % 11 = 5 THEN 'NaN'::DOUBLE ELSE sin(i) * 1e5 END AS x
  FROM range(5000) t(i)`;

Deno.test("queryDoubles() gives the same numbers as per-value reading across chunks, types and NULLs", async () => {
  const want = await perValue(
    `SELECT CAST(ts AS DOUBLE), CAST(d AS DOUBLE), CAST(f AS DOUBLE), x FROM (${MIXED})`,
  );
  await withDuck(async (duck) => {
    const got = await duck.queryDoubles(MIXED, 4, 5000);
    assert.equal(got.rows, 5000);
    assert.deepEqual(got.columns, want);
    for (const i of [3, 31, 32, 63, 64, 2047, 2048]) assert.ok(Number.isNaN(got.columns[1][i]), `row ${i}`);
    assert.equal(got.columns[1][33], 33 / 8);
  });
});

Deno.test("queryDoubles() grows past a too-small row estimate and trims a too-large one", async () => {
  await withDuck(async (duck) => {
    const want = Float64Array.from({ length: 4100 }, (_, i) => i);
    for (const expected of [10, 9999, 0]) {
      const r = await duck.queryDoubles("SELECT i FROM range(4100) t(i)", 1, expected);
      assert.equal(r.rows, 4100);
      assert.deepEqual(r.columns[0], want);
    }
    const empty = await duck.queryDoubles("SELECT 1 AS a WHERE false", 1, 0);
    assert.deepEqual(empty, { columns: [new Float64Array(0)], rows: 0 });
  });
});

Deno.test("exec() makes a view that queryDoubles() reads, and concurrent calls do not interleave", async () => {
  await withDuck(async (duck) => {
    await duck.exec("CREATE VIEW v AS SELECT i AS a, i * 2 AS b FROM range(3000) t(i)");
    const [x, y] = await Promise.all([
      duck.queryDoubles("SELECT a, b FROM v", 2, 3000),
      duck.queryDoubles("SELECT b FROM v WHERE a >= 2990", 1, 10),
    ]);
    assert.equal(x.columns[1][2999], 5998);
    assert.deepEqual(Array.from(y.columns[0]), Array.from({ length: 10 }, (_, i) => (2990 + i) * 2));
  });
});

Deno.test("queryDoubles() and exec() fail with DuckDB's reason and the SQL, and refuse a closed handle", async () => {
  const duck = (await openFfiDuck())!;
  await assert.rejects(
    () => duck.queryDoubles("SELECT nope FROM range(1)", 1, 1),
    (e: Error) =>
      e instanceof CandlelabError && /Cannot run query: .*nope.*check the SQL: SELECT nope/s.test(e.message),
  );
  await assert.rejects(
    () => duck.queryDoubles("SELECT 'abc' AS s", 1, 1),
    (e: Error) => e instanceof CandlelabError && /Could not convert string 'abc'/.test(e.message),
  );
  await assert.rejects(() => duck.exec("CREATE VIEW"), CandlelabError);
  duck.close();
  duck.close();
  await assert.rejects(() => duck.exec("SELECT 1"), /the FFI DuckDB is closed; open a new engine/);
});

/** Runs `code` (importing openFfiDuck) in a child process with `flags`; returns its stdout. */
async function inChild(flags: string[], code: string): Promise<string> {
  const dir = await Deno.makeTempDir();
  const script = `${dir}/probe.ts`;
  await Deno.writeTextFile(
    script,
    `import { openFfiDuck } from "${new URL("./duckdb_ffi.ts", import.meta.url)}";\n${code}\n`,
  );
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-config", "--no-prompt", "--allow-read", ...flags, script],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout).trim();
    assert.ok(out.success, `${stdout}\n${new TextDecoder().decode(out.stderr)}`);
    return stdout;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("openFfiDuck() returns undefined without --allow-ffi", async () => {
  assert.equal(await inChild([], "console.log(String(await openFfiDuck()));"), "undefined");
});

Deno.test("openFfiDuck() works under the tasks' --allow-ffi=node_modules (no unscoped pointer API)", async () => {
  const node = new URL("../../node_modules", import.meta.url).pathname;
  const got = await inChild(
    [`--allow-ffi=${node}`],
    `const duck = await openFfiDuck();
     if (!duck) throw new Error("no FFI DuckDB");
     const r = await duck.queryDoubles("SELECT i / 4, CASE WHEN i % 3 = 0 THEN NULL ELSE i END FROM range(5000) t(i)", 2, 5000);
     const err = await duck.queryDoubles("SELECT nope", 1, 1).then(() => "", (e) => e.message);
     duck.close();
     console.log(JSON.stringify([r.rows, r.columns[0][4999], r.columns[1][3], r.columns[1][4], /nope/.test(err)]));`,
  );
  assert.deepEqual(JSON.parse(got), [5000, 4999 / 4, null, 4, true]);
});

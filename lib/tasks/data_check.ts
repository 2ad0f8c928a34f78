/**
 * `deno task data:check <file|folder|glob>...` prints a quality report per Parquet file and exits 1 when
 * a file no longer matches its metadata hash, fails a hard check (duplicates, unsorted, NaN or
 * non-positive prices) or cannot be read. Writes nothing.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { resolveSources } from "../data/load.ts";
import { checkFile, formatCheck } from "../data/metadata.ts";
import type { EngineKind } from "../data/engine.ts";

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: { engine: { type: "string", default: "native" }, json: { type: "boolean", default: false } },
  });
  if (positionals.length === 0) {
    console.error("Usage: deno task data:check <file|folder|glob>... [--json]");
    Deno.exit(2);
  }
  let failed = 0;
  let files: string[] = [];
  try {
    files = await resolveSources(positionals);
  } catch (err) {
    console.error(`error: ${(err as Error).message}`);
    Deno.exit(1);
  }
  for (const file of files) {
    try {
      const r = await checkFile(file, { engine: values.engine as EngineKind });
      if (!r.ok) failed++;
      console.log(
        values.json
          ? JSON.stringify({ file, ok: r.ok, problems: r.problems, quality: r.current.quality })
          : formatCheck(r),
      );
    } catch (err) {
      failed++;
      console.log(`FAIL ${file}\n  error: ${(err as Error).message}`);
    }
  }
  if (!values.json) console.log(`\n${files.length - failed} of ${files.length} files OK`);
  Deno.exit(failed > 0 ? 1 : 0);
}

/**
 * Atomic file writes: write a temporary file in the same folder, flush it, then rename it
 * over the target. Readers see either the old file or the new one, never half of one.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";

function _tempPath(path: string): string {
  const rand = crypto.getRandomValues(new Uint32Array(2));
  return join(
    dirname(path),
    `.${basename(path)}.${Deno.pid}.${rand[0].toString(36)}${rand[1].toString(36)}.tmp`,
  );
}

/**
 * Writes bytes or text to `path` atomically, creating the parent folder if needed.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { writeFileAtomic } from "./atomic.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/a.txt`, "hello");
 * assert(await Deno.readTextFile(`${dir}/a.txt`) === "hello");
 * ```
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = _tempPath(path);
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const file = await Deno.open(tmp, { write: true, createNew: true });
  try {
    let off = 0;
    while (off < bytes.length) off += await file.write(bytes.subarray(off));
    await file.sync();
  } catch (err) {
    file.close();
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
  file.close();
  try {
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}

/**
 * Writes `value` as pretty JSON (2-space indent, trailing newline) atomically.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { writeJsonAtomic } from "./atomic.ts";
 * const dir = await Deno.makeTempDir();
 * await writeJsonAtomic(`${dir}/a.json`, { a: 1 });
 * assert(JSON.parse(await Deno.readTextFile(`${dir}/a.json`)).a === 1);
 * ```
 */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, _json(value));
}

/**
 * Synchronous {@link writeJsonAtomic}, for a signal handler about to exit the process.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { writeJsonAtomicSync } from "./atomic.ts";
 * const dir = Deno.makeTempDirSync();
 * writeJsonAtomicSync(`${dir}/a.json`, { a: 1 });
 * assert(JSON.parse(Deno.readTextFileSync(`${dir}/a.json`)).a === 1);
 * ```
 */
export function writeJsonAtomicSync(path: string, value: unknown): void {
  writeFileAtomicSync(path, _json(value));
}

function _json(value: unknown): string {
  return JSON.stringify(value, null, 2) + "\n";
}

/**
 * Copies `src` to `dest` atomically (temp copy, then rename).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { copyFileAtomic, writeFileAtomic } from "./atomic.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/a`, "x");
 * await copyFileAtomic(`${dir}/a`, `${dir}/b`);
 * assert(await Deno.readTextFile(`${dir}/b`) === "x");
 * ```
 */
export async function copyFileAtomic(src: string, dest: string): Promise<void> {
  await Deno.mkdir(dirname(dest), { recursive: true });
  const tmp = _tempPath(dest);
  try {
    await Deno.copyFile(src, tmp);
    await Deno.rename(tmp, dest);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}

/**
 * Synchronous {@link writeFileAtomic}, for the few places that cannot await (a signal handler about to
 * exit the process).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { writeFileAtomicSync } from "./atomic.ts";
 * const dir = Deno.makeTempDirSync();
 * writeFileAtomicSync(`${dir}/a.txt`, "hello");
 * assert(Deno.readTextFileSync(`${dir}/a.txt`) === "hello");
 * ```
 */
export function writeFileAtomicSync(path: string, data: string): void {
  Deno.mkdirSync(dirname(path), { recursive: true });
  const tmp = _tempPath(path);
  try {
    const file = Deno.openSync(tmp, { write: true, createNew: true });
    try {
      const bytes = new TextEncoder().encode(data);
      let off = 0;
      while (off < bytes.length) off += file.writeSync(bytes.subarray(off));
      file.syncSync();
    } finally {
      file.close();
    }
    Deno.renameSync(tmp, path);
  } catch (err) {
    try {
      Deno.removeSync(tmp);
    } catch { /* already gone */ }
    throw err;
  }
}

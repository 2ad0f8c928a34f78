/**
 * SVG snapshot comparison for chart tests: numbers are rounded to 2 decimals (as Observable Plot's own
 * snapshot tests do) so float noise does not break them, while any change in the drawing does.
 * Stored as `testdata/<name>.svg.snap` (not `.svg`, which `deno fmt` would reformat).
 * Set `UPDATE_SNAPSHOTS=1` to write new snapshots or rewrite the stored ones after an intended change; a
 * missing snapshot fails otherwise (a test that writes its own expectation cannot fail).
 *
 * @module
 */
import { writeFileAtomic } from "../util/atomic.ts";
import { CandlelabError } from "../util/errors.ts";

/** Rounds every decimal number in `svg` to 2 places. */
export function _roundNumbers(svg: string): string {
  return svg.replace(/-?\d+\.\d+(?:e[-+]?\d+)?/gi, (m) => {
    const v = Math.round(Number(m) * 100) / 100;
    return String(Object.is(v, -0) ? 0 : v);
  });
}

/**
 * Compares `svg` with the stored snapshot `name`; returns the stored text (after writing it when
 * `UPDATE_SNAPSHOTS=1`). Throws when the snapshot is missing and no update was asked for.
 */
export async function _snapshot(
  name: string,
  svg: string,
  update: boolean = Deno.env.get("UPDATE_SNAPSHOTS") === "1",
): Promise<{ expected: string; actual: string }> {
  const path = new URL(`./testdata/${name}.svg.snap`, import.meta.url).pathname;
  const actual = _roundNumbers(svg) + "\n";
  let expected: string | undefined;
  try {
    expected = await Deno.readTextFile(path);
  } catch {
    expected = undefined;
  }
  if (update) {
    await writeFileAtomic(path, actual);
    expected = actual;
  } else if (expected === undefined) {
    throw new CandlelabError(
      `Snapshot ${name} is missing (${path}); if the chart is new, run the test once with UPDATE_SNAPSHOTS=1 ` +
        `and commit the written file after looking at it`,
    );
  }
  return { expected, actual };
}

import assert from "node:assert/strict";
import { CandlelabError } from "../util/errors.ts";
import type { Notebook } from "./notebook_file.ts";
import {
  declaredParameters,
  effectiveParameters,
  injectedSource,
  injectParameters,
  parameterSpecs,
  parseAssignments,
  validateOverrides,
} from "./parameters.ts";

function _nb(paramsSource: string | null, specs: Record<string, unknown> = {}): Notebook {
  const cells: Notebook["cells"] = [{ cell_type: "markdown", source: "# t", metadata: {} }];
  if (paramsSource !== null) {
    cells.push({ cell_type: "code", source: paramsSource, metadata: { tags: ["parameters"] } });
  }
  cells.push({ cell_type: "code", source: "console.log(asset)", metadata: {} });
  return { nbformat: 4, nbformat_minor: 5, metadata: { candlelab: { parameters: specs } }, cells };
}

const SPECS = {
  asset: { type: "string", description: "asset", enum: ["BTC", "XRP"] },
  bars: { type: "integer", description: "bars to show", min: 10, max: 1000 },
  fee: { type: "number", description: "fee rate" },
  log: { type: "boolean", description: "log scale" },
};
const CELL = 'let asset = "BTC";\nlet bars = 500; // bars\nlet fee: number = 0.0004;\nlet log = false;';

function _throws(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof CandlelabError && re.test(e.message));
}

Deno.test("validateOverrides() converts text to the declared types", () => {
  const v = validateOverrides(
    _nb(CELL, SPECS),
    { asset: "XRP", bars: "20", fee: "0.001", log: "true" },
    "a.ipynb",
  );
  assert.deepEqual(v, { asset: "XRP", bars: 20, fee: 0.001, log: true });
});

Deno.test("validateOverrides() refuses an unknown parameter and lists the known ones", () => {
  _throws(
    () => validateOverrides(_nb(CELL, SPECS), { bras: "20" }, "a.ipynb"),
    /unknown parameter "bras".*asset, bars, fee, log/,
  );
});

Deno.test("validateOverrides() refuses a value of the wrong type and names the parameter and value", () => {
  _throws(
    () => validateOverrides(_nb(CELL, SPECS), { bars: "many" }, "a.ipynb"),
    /"bars" must be an integer.*"many"/,
  );
  _throws(() => validateOverrides(_nb(CELL, SPECS), { bars: "2.5" }, "a.ipynb"), /"bars" must be an integer/);
  _throws(() => validateOverrides(_nb(CELL, SPECS), { log: "yes" }, "a.ipynb"), /"log" must be a boolean/);
  _throws(() => validateOverrides(_nb(CELL, SPECS), { fee: "" }, "a.ipynb"), /"fee" must be a finite number/);
});

Deno.test("validateOverrides() applies min, max and enum from the declaration", () => {
  _throws(
    () => validateOverrides(_nb(CELL, SPECS), { bars: "5" }, "a.ipynb"),
    /invalid parameters[\s\S]*bars/,
  );
  _throws(
    () => validateOverrides(_nb(CELL, SPECS), { asset: "ETH" }, "a.ipynb"),
    /must be one of "BTC", "XRP"/,
  );
});

Deno.test("validateOverrides() refuses parameters for a notebook without a parameters cell", () => {
  _throws(
    () => validateOverrides(_nb(null, SPECS), { bars: "20" }, "a.ipynb"),
    /no cell tagged "parameters"/,
  );
  assert.deepEqual(validateOverrides(_nb(null, {}), {}, "a.ipynb"), {});
});

Deno.test("validateOverrides() refuses overriding a const and a declared name missing from the cell", () => {
  _throws(
    () => validateOverrides(_nb(CELL.replace("let bars", "const bars"), SPECS), { bars: "20" }, "a.ipynb"),
    /declares it with const; declare it with let/,
  );
  _throws(
    () => validateOverrides(_nb('let asset = "BTC";', SPECS), {}, "a.ipynb"),
    /"bars" is declared in metadata/,
  );
});

Deno.test("parameterSpecs() rejects a malformed declaration with the field path", () => {
  _throws(
    () => parameterSpecs(_nb(CELL, { bars: { type: "int", description: "x" } }), "a.ipynb"),
    /bars\.type/,
  );
});

Deno.test("parseAssignments() splits on the first = and refuses repeats and missing =", () => {
  assert.deepEqual(parseAssignments(["a=1", "b=x=y", "c="]), { a: "1", b: "x=y", c: "" });
  _throws(() => parseAssignments(["a"]), /expected key=value/);
  _throws(() => parseAssignments(["a=1", "a=2"]), /"a" is given twice/);
});

Deno.test("declaredParameters() reads let/const lines with types and comments", () => {
  const d = declaredParameters(CELL);
  assert.deepEqual([...d.keys()], ["asset", "bars", "fee", "log"]);
  assert.equal(d.get("fee")!.value, 0.0004);
  assert.equal(d.get("bars")!.value, 500);
});

Deno.test("injectParameters() puts the assignments right after the parameters cell and replaces an old one", () => {
  const once = injectParameters(_nb(CELL, SPECS), { bars: 20, asset: 'X"RP' });
  assert.equal(once.cells[2].metadata.tags![0], "injected-parameters");
  assert.match(once.cells[2].source as string, /^bars = 20;$/m);
  assert.match(once.cells[2].source as string, /^asset = "X\\"RP";$/m);
  const twice = injectParameters(once, { bars: 30 });
  assert.equal(twice.cells.filter((c) => c.metadata.tags?.includes("injected-parameters")).length, 1);
  assert.match(twice.cells[2].source as string, /bars = 30;/);
  assert.equal(injectedSource({}).includes("void 0;"), true);
});

Deno.test("effectiveParameters() overlays overrides on the cell's defaults", () => {
  assert.deepEqual(effectiveParameters(_nb(CELL, SPECS), { bars: 20 }), {
    asset: "BTC",
    bars: 20,
    fee: 0.0004,
    log: false,
  });
});

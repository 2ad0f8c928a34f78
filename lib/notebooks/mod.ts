/**
 * Notebook support: parameters and headless runs (`nb:run`), self-contained HTML reports, table and
 * progress displays for Deno notebooks, and the `jupyter` launcher's arguments.
 *
 * @module
 */
export * from "./notebook_file.ts";
export * from "./parameters.ts";
export * from "./html_report.ts";
export * from "./kernel.ts";
export * from "./manifest.ts";
export * from "./execute.ts";
export * from "./run.ts";
export * from "./table_view.ts";
export * from "./progress.ts";
export * from "./jupyter_server.ts";
export * from "./exploration.ts";
export * from "./display.ts";
export * from "./features_views.ts";
export * from "./experiment_views.ts";
export * from "./report_format.ts";
export * from "./report_verdict.ts";
export * from "./report_provenance.ts";
export * from "./report_returns.ts";
export * from "./report_folds.ts";
export * from "./report_compare.ts";
export * from "./report_sheet.ts";

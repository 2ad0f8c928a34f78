/**
 * Notebook views: what the notebooks show, as tables, charts and the loaders behind them. Notebooks reach
 * them through lib/mod.ts (`views`). The headless runner, reports, Jupyter launcher and kernel helpers
 * (run.ts, execute.ts, html_report.ts, jupyter_server.ts, kernel.ts, manifest.ts, parameters.ts,
 * notebook_file.ts) are not here: the tasks import them from their files.
 *
 * - display and tables: {@link show}, {@link tableView}, {@link htmlDisplay}
 * - data exploration (01): {@link qualityView}, {@link gapTable}, {@link logReturns},
 *   {@link describeValues}, {@link fundingEvents}
 * - features (02): {@link loadStrategyFeatures}, {@link featureSummary}, {@link correlationMatrix},
 *   {@link causalityTable}, {@link warmupTable}, {@link leakyDemoFeatureSet}, {@link latestModelImportance}
 * - training and backtest (03-05): {@link trainProgress}, {@link runReportHeader}, {@link classBalanceTable},
 *   {@link foldResultsView}, {@link confusionChart}, {@link calibrationPlot}, {@link importanceChart},
 *   {@link meanFoldImportance}, {@link tearSheet}, {@link loadLatestRun}, {@link runCandlesPath}
 * - comparing runs (06): {@link compareAllRuns}, {@link comparisonViews}, {@link comparisonRunsView},
 *   {@link comparisonSharpeChart}, {@link comparisonTrialTables}, {@link equityOverlay}, {@link runLabel}
 * - sweeps (07): {@link sweepPlanLine}, {@link runMissingTrials}, {@link sweepTrialsView},
 *   {@link objectiveHeatmap}, {@link walkForwardView}, {@link sweepVerdictText}, {@link sweepRunLinks}
 *
 * Importing this module in Deno's Jupyter kernel makes bare Arquero tables display as HTML tables
 * (display.ts).
 *
 * @module
 */
export { show } from "./display.ts";
export { type TableView, tableView, type TableViewOptions } from "./table_view.ts";
export {
  describeValues,
  fundingEvents,
  gapTable,
  type HtmlDisplay,
  htmlDisplay,
  logReturns,
  qualityView,
} from "./exploration.ts";
export {
  causalityTable,
  correlationMatrix,
  featureSummary,
  latestModelImportance,
  leakyDemoFeatureSet,
  loadStrategyFeatures,
  type StrategyFeatures,
  warmupTable,
} from "./features_views.ts";
export {
  classBalanceTable,
  compareAllRuns,
  comparisonViews,
  confusionChart,
  importanceChart,
  type LoadedRun,
  loadLatestRun,
  meanFoldImportance,
  runCandlesPath,
} from "./experiment_views.ts";
export { trainProgress } from "./progress.ts";
export { runReportHeader, tearSheet } from "./report_sheet.ts";
export { calibrationPlot, foldResultsView } from "./report_folds.ts";
export {
  comparisonRunsView,
  comparisonSharpeChart,
  comparisonTrialTables,
  equityOverlay,
  runLabel,
} from "./report_compare.ts";
export {
  objectiveHeatmap,
  runMissingTrials,
  sweepPlanLine,
  sweepRunLinks,
  sweepTrialsView,
  sweepVerdictText,
  walkForwardView,
} from "./report_sweep.ts";

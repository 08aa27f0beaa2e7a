/**
 * The HTML report: one self-contained file (inline CSS and SVG, no script,
 * no external request; a Content-Security-Policy forbids any), for a
 * backtest (its document, plus the mining run behind the library when there
 * is one) or for a mining run alone.
 *
 * Every section says which period its numbers come from: the test period
 * (the final report, read once the model was fixed) or train/valid (what
 * the miners saw). A section whose input is missing says what is missing.
 */
import type { BacktestDocument, FactorRow, StrategyResult } from './backtestDocument.js';
import { bonferroniCriticalT } from './deflatedSharpe.js';
import { type RunDirectory, evaluatedCandidates, lineageTree, type LineageNode } from './run.js';
import { PALETTE, type TreeNode, barChart, boxPlot, escapeHtml as esc, lineChart, treeChart } from './svg.js';

type Period = 'test' | 'train-valid' | 'none';

interface Section {
  readonly id: string;
  readonly title: string;
  readonly period: Period;
  /** HTML body, or null with `missing` saying why. */
  readonly body: string | null;
  readonly missing?: string;
}

/** What the report command computes for a run from its data (train and valid only). */
export interface RunAnalysis {
  /** Dates of train then valid. */
  readonly dates: readonly string[];
  /** Index in `dates` of valid's first day. */
  readonly validStart: number;
  readonly periods: { readonly train: { first: string; last: string }; readonly valid: { first: string; last: string } };
  /** The top library factors by valid RankIC. */
  readonly factors: readonly {
    readonly name: string;
    /** Daily IC and RankIC over `dates`. */
    readonly ic: readonly (number | null)[];
    readonly rankIc: readonly (number | null)[];
    /** Mean label per quantile on valid, lowest factor first. */
    readonly quantiles: readonly (number | null)[];
    /** RankIC on valid against the return over h days. */
    readonly decay: readonly { readonly horizon: number; readonly rankIc: number | null }[];
  }[];
}

const pct = (v: number | null, digits = 2) => (v === null || !Number.isFinite(v) ? 'n/a' : `${(v * 100).toFixed(digits)}%`);
const fix = (v: number | null | undefined, digits = 4) => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(digits));
const bps = (v: number) => `${(v * 1e4).toFixed(1)}bp`;

function cumulative(values: readonly (number | null)[]): (number | null)[] {
  let sum = 0;
  return values.map((v) => (v === null ? (sum === 0 ? null : sum) : (sum += v)));
}

const BADGE: Record<Period, string> = {
  test: '<span class="badge test">test period · final report</span>',
  'train-valid': '<span class="badge tv">train / valid · what the miners saw</span>',
  none: '',
};

function page(title: string, header: string, sections: readonly Section[], notes: readonly string[]): string {
  const toc = sections.map((s) => `<li><a href="#${s.id}">${esc(s.title)}</a></li>`).join('');
  const body = sections
    .map(
      (s) =>
        `<section id="${s.id}" data-period="${s.period}"><h2>${esc(s.title)} ${BADGE[s.period]}</h2>` +
        (s.body ?? `<p class="missing">${esc(s.missing ?? 'not available')}</p>`) +
        '</section>',
    )
    .join('\n');
  const noteList = notes.length > 0 ? `<section id="notes" data-period="none"><h2>Notes</h2><ul>${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></section>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style></head>
<body><header><h1>${esc(title)}</h1>${header}</header>
<nav><ol>${toc}</ol></nav>
<main>
${body}
${noteList}
</main></body></html>
`;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;margin:0;background:#fafafa}
header{background:#fff;border-bottom:1px solid #ddd;padding:16px 28px}h1{font-size:21px;margin:0 0 6px}
nav{padding:4px 28px}nav ol{margin:0;padding-left:18px;columns:2}main{padding:0 28px 40px;max-width:1180px}
section{background:#fff;border:1px solid #e2e2e2;border-radius:6px;margin:16px 0;padding:12px 18px}
h2{font-size:17px;margin:4px 0 10px}.badge{font-size:11px;font-weight:600;border-radius:10px;padding:2px 8px;vertical-align:middle;margin-left:6px}
.badge.test{background:#fde2e1;color:#a61b1b}.badge.tv{background:#e1ecfd;color:#1b4da6}
table{border-collapse:collapse;margin:6px 0 10px;font-variant-numeric:tabular-nums}th,td{border-bottom:1px solid #eee;padding:3px 9px;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f4f4f4}td.expr{text-align:left;font-family:ui-monospace,monospace;font-size:12px;max-width:420px;overflow-wrap:anywhere}th.expr,td.left{text-align:left}
tr.pass td{background:#eefbea}.missing{color:#8a5a00;background:#fff6e0;padding:8px 10px;border-radius:4px}
.meta{color:#555;margin:2px 0}.explain{color:#555;font-size:13px;margin:4px 0 8px}
figure.chart{margin:8px 0 14px;overflow-x:auto}figcaption{font-weight:600;font-size:13px;margin-bottom:2px}
svg text{font:11px system-ui,sans-serif;fill:#333}svg .tick{fill:#666}svg .node{font-weight:600}
svg line.grid{stroke:#eee}svg line.zero{stroke:#999}
.scroll{max-height:520px;overflow:auto}
`;

function signalCells(s: StrategyResult['train']): string {
  return `<td>${fix(s.ic)}</td><td>${fix(s.icir, 3)}</td><td>${fix(s.rank_ic)}</td><td>${fix(s.rank_icir, 3)}</td><td>${fix(s.rank_ic_hac_t, 2)}</td><td>${s.days}</td>`;
}

/** Library minus baseline, day by day (versus_baseline), when there is a baseline. */
function pairedTable(doc: BacktestDocument): string {
  const paired = doc.versus_baseline;
  if (!paired || !doc.baseline) return '';
  const signed = (x: number | null) => (x === null ? 'n/a' : `${x >= 0 ? '+' : ''}${fix(x)}`);
  const rows = (['valid', 'test'] as const)
    .map((p) => {
      const d = paired[p];
      return `<tr><td>${p === 'test' ? '<b>test</b>' : p}</td><td>${signed(d.ic_difference)}</td><td>${fix(d.ic_difference_hac_t, 2)}</td><td>${signed(d.rank_ic_difference)}</td><td>${fix(d.rank_ic_difference_hac_t, 2)}</td><td>${d.days}</td></tr>`;
    })
    .join('');
  return (
    `<p class="explain">Library minus baseline ${esc(doc.baseline.name)}, day by day over the days both were scored: the mean daily difference and its Newey-West t. Both are scored on the same days and names, so this, not the gap between the two means' own t-statistics, says whether the library is ahead.</p>` +
    `<table><tr><th>period</th><th>IC difference</th><th>t</th><th>RankIC difference</th><th>t</th><th>days</th></tr>${rows}</table>`
  );
}

function summarySection(doc: BacktestDocument): Section {
  const strategies = [doc.library, ...(doc.baseline ? [doc.baseline] : [])];
  const label = (s: StrategyResult) => (s === doc.library ? `library ${s.name}` : `baseline ${s.name}`);
  const signalRows = strategies
    .flatMap((s) =>
      (['train', 'valid', 'test'] as const).map(
        (p) => `<tr><td>${esc(label(s))}</td><td>${p === 'test' ? '<b>test</b>' : p}</td>${signalCells(s[p])}</tr>`,
      ),
    )
    .join('');
  const riskRows = strategies
    .map((s) => {
      const t = s.test;
      const rd = t.rdagent.excess_return_with_cost;
      return `<tr><td>${esc(label(s))}</td><td>${pct(t.arr)}</td><td>${fix(t.ir, 3)}</td><td>${pct(t.mdd)}</td><td>${fix(t.calmar, 3)}</td><td>${pct(t.excess_return_without_cost.annualized_return)}</td><td>${pct(t.cumulative_excess_return_with_cost)}</td><td>${pct(t.turnover)}</td><td>${pct(rd.annualized_return)}</td><td>${fix(rd.information_ratio, 3)}</td><td>${pct(rd.max_drawdown)}</td></tr>`;
    })
    .join('');
  const body =
    `<p class="explain">Signal quality of the model's prediction: daily cross-sectional IC (Pearson) and RankIC (Spearman) against ${esc(doc.label)} over the universe's members; ICIR = mean/std (not annualised); t = Newey-West HAC t-statistic of the mean RankIC. Train and valid are what the model was fitted and stopped on; <b>test</b> is the final report.</p>` +
    `<table><tr><th>strategy</th><th>period</th><th>IC</th><th>ICIR</th><th>RankIC</th><th>RankICIR</th><th>RankIC t</th><th>days</th></tr>${signalRows}</table>` +
    pairedTable(doc) +
    `<p class="explain">Test-period backtest: TopkDropout (top ${doc.strategy.topk}, drop ${doc.strategy.n_drop}) against ${esc(doc.benchmark.name)}. ARR, IR, MDD, Calmar: qlib's risk_analysis of the daily excess return with cost (summed, 238 days a year). Last three columns: R&D-Agent(Q)'s convention (compounded, 252 days a year).</p>` +
    `<table><tr><th>strategy</th><th>ARR</th><th>IR</th><th>MDD</th><th>Calmar</th><th>ARR w/o cost</th><th>cum. excess</th><th>turnover/day</th><th>ARR (R&amp;D)</th><th>IR (R&amp;D)</th><th>MDD (R&amp;D)</th></tr>${riskRows}</table>`;
  return { id: 'summary', title: 'Summary', period: 'test', body };
}

function backtestCharts(doc: BacktestDocument): Section[] {
  const strategies = [doc.library, ...(doc.baseline ? [doc.baseline] : [])];
  const color = (k: number, offset = 0) => PALETTE[(k * 2 + offset) % PALETTE.length]!;
  const name = (s: StrategyResult) => (s === doc.library ? 'library' : s.name);
  const ic = lineChart({
    title: `Cumulative daily IC and RankIC of the prediction, ${doc.periods.test.first} .. ${doc.periods.test.last}`,
    x: doc.dates,
    series: strategies.flatMap((s, k) => [
      { name: `${name(s)} IC`, values: cumulative(s.series.ic), color: color(k), dashed: k > 0 },
      { name: `${name(s)} RankIC`, values: cumulative(s.series.rank_ic), color: color(k, 1), dashed: k > 0 },
    ]),
    format: (v) => v.toFixed(1),
  });
  const excess = lineChart({
    title: 'Cumulative excess return over the benchmark (summed daily, as qlib plots it)',
    x: doc.dates,
    series: strategies.flatMap((s, k) => [
      { name: `${name(s)} with cost`, values: s.series.cumulative_excess_with_cost, color: color(k), dashed: k > 0 },
      { name: `${name(s)} without cost`, values: cumulative(s.series.excess_without_cost), color: color(k, 1), dashed: k > 0 },
    ]),
    format: (v) => `${(v * 100).toFixed(1)}%`,
  });
  const drawdown = lineChart({
    title: 'Drawdown of the cumulative excess return with cost',
    x: doc.dates,
    series: strategies.map((s, k) => ({ name: `${name(s)} drawdown`, values: s.series.drawdown_with_cost, color: color(k, 1), area: true, dashed: k > 0 })),
    format: (v) => `${(v * 100).toFixed(1)}%`,
    height: 200,
  });
  const groups = doc.library.quantiles.length;
  const quantiles = barChart({
    title: `Mean next-day label per ${groups}-quantile of the prediction (lowest prediction first), per day then averaged`,
    categories: Array.from({ length: groups }, (_, k) => `Q${k + 1}`),
    groups: strategies.map((s, k) => ({ name: name(s), values: s.quantiles, color: color(k) })),
    format: bps,
  });
  const horizons = doc.library.ic_decay.map((d) => `${d.horizon}d`);
  const decay = barChart({
    title: 'RankIC of the prediction against the return over h days from the next close',
    categories: horizons,
    groups: strategies.map((s, k) => ({ name: `${name(s)} RankIC`, values: s.ic_decay.map((d) => d.rank_ic), color: color(k) })),
    format: (v) => v.toFixed(3),
  });
  const decayTable =
    `<table><tr><th>horizon</th>${strategies.map((s) => `<th>${esc(name(s))} IC</th><th>${esc(name(s))} RankIC</th>`).join('')}</tr>` +
    doc.library.ic_decay
      .map((d, i) => `<tr><td>${d.horizon} day(s): ${esc(d.label)}</td>${strategies.map((s) => `<td>${fix(s.ic_decay[i]?.ic ?? null)}</td><td>${fix(s.ic_decay[i]?.rank_ic ?? null)}</td>`).join('')}</tr>`)
      .join('') +
    '</table>';
  return [
    { id: 'ic', title: 'Cumulative IC and RankIC', period: 'test', body: ic },
    { id: 'excess', title: 'Cumulative excess return and drawdown', period: 'test', body: excess + drawdown },
    { id: 'quantiles', title: 'Quantile returns', period: 'test', body: quantiles },
    { id: 'decay', title: 'IC decay over horizons', period: 'test', body: decay + decayTable },
  ];
}

function familySection(families: readonly string[], what: string): Section {
  if (families.length === 0) return { id: 'families', title: 'Family composition', period: 'none', body: null, missing: 'the library is empty' };
  const counts = new Map<string, number>();
  for (const f of families) counts.set(f, (counts.get(f) ?? 0) + 1);
  const ordered = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const chart = barChart({
    title: `Factors per family (${what})`,
    categories: ordered.map(([f]) => f),
    groups: [{ name: 'factors', values: ordered.map(([, n]) => n), color: PALETTE[4]! }],
    format: (v) => v.toFixed(0),
    height: 220,
  });
  return { id: 'families', title: 'Family composition', period: 'none', body: chart };
}

function lineageSection(run: RunDirectory | null, reason: string): Section {
  const base = { id: 'lineage', title: 'Lineage of the top factors', period: 'train-valid' as const };
  if (!run) return { ...base, body: null, missing: reason };
  const top = [...run.library]
    .filter((e) => e.trajectory !== undefined)
    .sort((a, b) => (b.metrics?.valid?.rankIc ?? -Infinity) - (a.metrics?.valid?.rankIc ?? -Infinity))
    .slice(0, 3);
  if (top.length === 0) return { ...base, body: null, missing: `${run.dir}: no library entry names its trajectory` };
  if (run.trajectories.length === 0) return { ...base, body: null, missing: `${run.dir}: no trajectories to trace (trajectories.jsonl missing or empty)` };
  const toTree = (node: LineageNode): TreeNode => {
    const t = node.trajectory;
    const rankIc = t?.metrics?.valid.rankIc;
    return {
      label: t ? `${t.name ?? t.id} · gen ${t.generation}` : `${node.id} (not recorded)`,
      detail: t ? `${t.origin} · ${t.status}${rankIc != null ? ` · valid RankIC ${rankIc.toFixed(3)}` : ''}` : 'unknown',
      tooltip: t ? `${t.id} by ${t.specialist}\nhypothesis: ${t.hypothesis}\nexpression: ${t.expression ?? '(none)'}` : node.id,
      color: t?.origin === 'crossover' || t?.origin === 'crossover+mutation' ? PALETTE[3]! : t?.origin === 'mutation' ? PALETTE[2]! : PALETTE[0]!,
      children: node.parents.map(toTree),
    };
  };
  const charts = top.map((entry) =>
    treeChart(`${entry.name ?? entry.id ?? entry.trajectory}: ${entry.expression}`, toTree(lineageTree(run, entry.trajectory!))),
  );
  return {
    ...base,
    body: `<p class="explain">The three library factors with the best valid RankIC, each traced back through the trajectories it was mutated or crossed from (blue: proposed, green: mutation, orange: crossover). Hover a node for its hypothesis and expression.</p>${charts.join('')}`,
  };
}

function generationSection(run: RunDirectory | null, reason: string): Section {
  const base = { id: 'generations', title: 'Per-generation IC distribution of the mining run', period: 'train-valid' as const };
  if (!run) return { ...base, body: null, missing: reason };
  const candidates = evaluatedCandidates(run);
  if (candidates.length === 0) return { ...base, body: null, missing: `${run.dir}: no evaluated candidates in trajectories.jsonl` };
  const generations = [...new Set(candidates.map((t) => t.generation))].sort((a, b) => a - b);
  const of = (split: 'train' | 'valid') =>
    generations.map((g) => candidates.filter((t) => t.generation === g).map((t) => t.metrics![split].rankIc ?? NaN));
  const accepted = generations.map((g) => candidates.filter((t) => t.generation === g && t.status === 'accepted').length);
  const chart = (split: 'train' | 'valid', color: string) =>
    boxPlot({
      title: `${split} RankIC of every evaluated candidate, by generation (count in brackets)`,
      categories: generations.map((g) => `gen ${g}`),
      distributions: of(split),
      color,
      format: (v) => v.toFixed(3),
    });
  const table =
    '<table><tr><th>generation</th><th>evaluated</th><th>accepted</th><th class="expr">rejected, by stage (diagnostics/gen-N.json)</th></tr>' +
    generations.map((g, k) => `<tr><td>${g}</td><td>${of('valid')[k]!.length}</td><td>${accepted[k]}</td><td class="left">${esc(rejectionsOf(run.diagnostics.get(g)))}</td></tr>`).join('') +
    '</table>';
  return { ...base, body: chart('train', PALETTE[0]!) + chart('valid', PALETTE[2]!) + table };
}

/** `stage count, ...` from a generation's diagnostics ({rejections: {stage: {count}}}), or why not. */
function rejectionsOf(diagnostics: unknown): string {
  if (diagnostics === undefined) return 'no diagnostics file';
  const rejections = (diagnostics as { rejections?: unknown }).rejections;
  if (rejections === null || typeof rejections !== 'object') return 'not recorded';
  const parts = Object.entries(rejections as Record<string, unknown>).map(([stage, r]) => {
    const count = (r as { count?: unknown } | null)?.count;
    return `${stage} ${typeof count === 'number' ? count : '?'}`;
  });
  return parts.length > 0 ? parts.join(', ') : 'none';
}

function factorTable(rows: readonly FactorRow[], bonferroni: number | null): string {
  const ordered = [...rows].sort((a, b) => Math.abs(b.test.rank_ic_hac_t ?? 0) - Math.abs(a.test.rank_ic_hac_t ?? 0));
  const body = ordered
    .map((r) => {
      const pass = bonferroni !== null && r.test.rank_ic_hac_t !== null && Math.abs(r.test.rank_ic_hac_t) > bonferroni;
      return `<tr${pass ? ' class="pass"' : ''}><td>${esc(r.name)}</td><td>${esc(r.family)}</td><td>${fix(r.valid.rank_ic)}</td><td>${fix(r.valid.rank_ic_hac_t, 2)}</td><td>${fix(r.test.rank_ic)}</td><td>${fix(r.test.rank_icir, 3)}</td><td>${fix(r.test.rank_ic_hac_t, 2)}</td><td class="expr">${esc(r.expression)}</td></tr>`;
    })
    .join('');
  return `<div class="scroll"><table><tr><th>factor</th><th>family</th><th>valid RankIC</th><th>valid t</th><th>test RankIC</th><th>test RankICIR</th><th>test t</th><th class="expr">expression</th></tr>${body}</table></div>`;
}

function multipleTestingSection(doc: BacktestDocument): Section {
  const m = doc.multiple_testing;
  const dsr =
    `<p class="explain">Deflated Sharpe ratio (Bailey &amp; López de Prado 2014): the probability that the strategy's true Sharpe ratio exceeds the best one expected from ${m.trials} skill-less trial(s), given the sample length, skewness and kurtosis of its daily excess return with cost.</p>` +
    '<table><tr><th>input</th><th>value</th><th class="expr">source</th></tr>' +
    `<tr><td>daily Sharpe ratio (annualised ×√252)</td><td>${fix(m.sharpe)} (${fix(m.sharpe_annualized, 2)})</td><td class="left">test period, excess return with cost</td></tr>` +
    `<tr><td>observations, skewness, kurtosis</td><td>${m.observations}, ${fix(m.skewness, 2)}, ${fix(m.kurtosis, 2)}</td><td class="left">the same series</td></tr>` +
    `<tr><td>trials N</td><td>${m.trials}</td><td class="left">${esc(m.trials_source)}</td></tr>` +
    `<tr><td>variance of the trials' Sharpe ratios</td><td>${fix(m.trial_sharpe_variance, 6)}</td><td class="left">${esc(m.trial_sharpe_variance_source)}</td></tr>` +
    `<tr><td>expected maximum Sharpe ratio SR0</td><td>${fix(m.expected_max_sharpe)}</td><td class="left">√V·((1−γ)Φ⁻¹(1−1/N)+γΦ⁻¹(1−1/(Ne)))</td></tr>` +
    `<tr><td><b>deflated Sharpe ratio</b></td><td><b>${fix(m.deflated_sharpe_ratio, 3)}</b></td><td class="left">Φ((SR−SR0)√(T−1)/√(1−skew·SR+(kurt−1)/4·SR²))</td></tr></table>`;
  const factors =
    `<p class="explain">Per factor: RankIC and its Newey-West HAC t-statistic on valid and on test. A factor's test t must exceed ${fix(m.bonferroni_t, 2)} to pass a two-sided 5 % test after a Bonferroni correction over the library's ${m.factor_tests} factors; ${m.factors_passing_bonferroni} do (highlighted). Sorted by |test t|.</p>` +
    factorTable(doc.factors, m.bonferroni_t);
  return { id: 'guard', title: 'Multiple-testing guard', period: 'test', body: dsr + factors };
}

function header(lines: readonly string[]): string {
  return lines.map((l) => `<p class="meta">${l}</p>`).join('');
}

export function renderBacktestReport(doc: BacktestDocument, run: RunDirectory | null): string {
  const p = doc.periods;
  const runReason = doc.library.run_dir
    ? `the run directory ${doc.library.run_dir} could not be read`
    : `no mining run behind this library (${doc.library.source} is not inside a run directory): lineage and per-generation distributions come from a run's trajectories`;
  const families = doc.factors.map((f) => f.family);
  const head = header([
    `${esc(doc.library.source)} · ${doc.library.factors} factors · ${esc(doc.library.model.kind)} · data ${esc(doc.data)} · universe ${esc(doc.universe)} · market ${doc.market} · benchmark ${esc(doc.benchmark.name)}`,
    `train ${p.train.first} .. ${p.train.last} (${p.train.days} days) · valid ${p.valid.first} .. ${p.valid.last} (${p.valid.days}) · <b>test ${p.test.first} .. ${p.test.last} (${p.test.days})</b>`,
    doc.baseline ? `baseline beside it: ${esc(doc.baseline.name)} (${doc.baseline.factors} factors, same model and splits)` : 'no baseline (add --baseline alpha158)',
    doc.transfer ? `<b>transfer</b>: mined on ${esc(doc.transfer.from)}, applied zero-shot to ${esc(doc.transfer.to)}` : '',
    `created ${esc(doc.created)}`,
  ]);
  const sections = [
    summarySection(doc),
    ...backtestCharts(doc),
    familySection(families, 'the backtested library'),
    lineageSection(run, runReason),
    generationSection(run, runReason),
    multipleTestingSection(doc),
  ];
  return page(`Backtest report: ${doc.library.source}`, head, sections, [...doc.notes, ...(run?.problems ?? [])]);
}

export function renderRunReport(run: RunDirectory, analysis: RunAnalysis | null, analysisMissing: string): string {
  const candidates = evaluatedCandidates(run);
  const generations = new Set(run.trajectories.map((t) => t.generation)).size;
  const runId = typeof run.runJson?.run === 'string' ? run.runJson.run : run.dir;
  const head = header([
    `run ${esc(String(runId))} · ${esc(run.dir)}`,
    `${run.library.length} accepted factors · ${candidates.length} candidates evaluated · ${run.trajectories.length} trajectories over ${generations} generation(s)`,
    ...(run.model === null
      ? []
      : [run.model.offline ? `Model: the embedded offline research model (deterministic, <strong>not an LLM</strong>), ${run.model.calls} calls` : `Model: an LLM endpoint, ${run.model.calls} calls, ${run.model.tokens} tokens`]),
    'A mining run sees train and valid only; its test-period numbers come from <code>alphaswarm backtest --library RUN/library.json ... --report</code>.',
  ]);
  const sections: Section[] = [];
  const top = analysis?.factors ?? [];
  if (analysis && top.length > 0) {
    const chart = (what: 'IC' | 'RankIC') =>
      lineChart({
        title: `Cumulative daily ${what} of the top library factors, train ${analysis.periods.train.first} .. valid ${analysis.periods.valid.last}`,
        x: analysis.dates,
        series: top.map((f, k) => ({ name: f.name, values: cumulative(what === 'IC' ? f.ic : f.rankIc), color: PALETTE[k % PALETTE.length]! })),
        format: (v) => v.toFixed(1),
        divider: { index: analysis.validStart, label: 'valid' },
      });
    sections.push({ id: 'ic', title: 'Cumulative IC and RankIC', period: 'train-valid', body: chart('IC') + chart('RankIC') });
  } else sections.push({ id: 'ic', title: 'Cumulative IC and RankIC', period: 'train-valid', body: null, missing: analysisMissing });
  sections.push({
    id: 'excess',
    title: 'Cumulative excess return and drawdown',
    period: 'none',
    body: null,
    missing: `a mining run does not backtest (the test period is sealed from it): run alphaswarm backtest --library ${run.dir}/library.json --report FILE for this library's final report`,
  });
  if (analysis && top.length > 0) {
    const groups = top[0]!.quantiles.length;
    sections.push({
      id: 'quantiles',
      title: 'Quantile returns',
      period: 'train-valid',
      body: barChart({
        title: `Valid: mean next-day label per ${groups}-quantile of each top factor (lowest factor value first)`,
        categories: Array.from({ length: groups }, (_, k) => `Q${k + 1}`),
        groups: top.map((f, k) => ({ name: f.name, values: f.quantiles, color: PALETTE[k % PALETTE.length]! })),
        format: bps,
      }),
    });
    sections.push({
      id: 'decay',
      title: 'IC decay over horizons',
      period: 'train-valid',
      body: barChart({
        title: 'Valid: RankIC of each top factor against the return over h days from the next close',
        categories: top[0]!.decay.map((d) => `${d.horizon}d`),
        groups: top.map((f, k) => ({ name: f.name, values: f.decay.map((d) => d.rankIc), color: PALETTE[k % PALETTE.length]! })),
        format: (v) => v.toFixed(3),
      }),
    });
  } else {
    sections.push({ id: 'quantiles', title: 'Quantile returns', period: 'train-valid', body: null, missing: analysisMissing });
    sections.push({ id: 'decay', title: 'IC decay over horizons', period: 'train-valid', body: null, missing: analysisMissing });
  }
  sections.push(familySection(run.library.map((e) => e.family ?? 'untagged'), 'the run’s library'));
  sections.push(lineageSection(run, ''));
  sections.push(generationSection(run, ''));
  sections.push(runGuardSection(run));
  return page(`Mining run report: ${String(runId)}`, head, sections, run.problems);
}

function runGuardSection(run: RunDirectory): Section {
  const trials = Math.max(1, evaluatedCandidates(run).length);
  // The library was selected on valid among every evaluated candidate: its valid t-statistics face all of them.
  const critical = bonferroniCriticalT(trials);
  const rows = [...run.library]
    .sort((a, b) => Math.abs(b.metrics?.valid?.rankIcT ?? 0) - Math.abs(a.metrics?.valid?.rankIcT ?? 0))
    .map((e, k) => {
      const v = e.metrics?.valid;
      const t = e.metrics?.train;
      const pass = v?.rankIcT != null && Math.abs(v.rankIcT) > critical;
      return `<tr${pass ? ' class="pass"' : ''}><td>${esc(e.name ?? e.id ?? `factor${k + 1}`)}</td><td>${esc(e.family ?? '')}</td><td>${fix(t?.rankIc ?? null)}</td><td>${fix(t?.rankIcT ?? null, 2)}</td><td>${fix(v?.rankIc ?? null)}</td><td>${fix(v?.rankIcT ?? null, 2)}</td><td class="expr">${esc(e.expression)}</td></tr>`;
    })
    .join('');
  const body =
    `<p class="explain">Each accepted factor's RankIC and Newey-West HAC t-statistic on train and valid, as the run measured them. The library was chosen among ${trials} evaluated candidates, so a valid t must exceed ${fix(critical, 2)} (two-sided 5 %, Bonferroni over ${trials} tests) to survive the search; passing factors are highlighted. The deflated Sharpe ratio needs a strategy's returns: it is in the backtest report of this library.</p>` +
    `<div class="scroll"><table><tr><th>factor</th><th>family</th><th>train RankIC</th><th>train t</th><th>valid RankIC</th><th>valid t</th><th class="expr">expression</th></tr>${rows}</table></div>`;
  return { id: 'guard', title: 'Multiple-testing guard', period: 'train-valid', body };
}

/**
 * The HTML reports in a real browser: Debian's Chromium, headless, driven by
 * playwright-core. Reports come from the compiled CLI on a small CSV market
 * and a mining-run fixture: a backtest with the run behind its library and a
 * baseline, the same backtest re-rendered from its JSON, a run report, and a
 * backtest without a run. Each must draw every chart (marks with a size),
 * log no console error, request nothing beyond its own file, and say where
 * its input is missing. Screenshots land in the OS temp directory for a
 * person to look at.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runCli, tempDir, writeCsvMarket } from '../cli/helpers.js';
import { writeRunDirectory } from './fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[skip] ${CHROMIUM} not found (apt-get install -y chromium); the browser test of the reports is skipped`);

const SPLITS = { train: '2020-01-06:2020-02-28', valid: '2020-03-02:2020-03-20', test: '2020-03-23:2020-04-24' };

interface PageCheck {
  readonly charts: { caption: string; marks: number; drawnPaths: number }[];
  readonly sections: { id: string; period: string; missing: boolean }[];
  readonly errors: string[];
  readonly requests: string[];
}

describe.skipIf(!hasChromium)('reports in headless Chromium', () => {
  let context: BrowserContext;
  const dir = tempDir('alphaswarm-report-');
  const files = { backtest: join(dir, 'backtest.html'), fromJson: join(dir, 'from-json.html'), run: join(dir, 'run.html'), alone: join(dir, 'alone.html') };
  const checks = new Map<string, PageCheck>();

  beforeAll(async () => {
    const csv = writeCsvMarket();
    const runDir = join(dir, 'run');
    writeRunDirectory(runDir, csv, ['$close/Ref($close,5)-1', '($high-$low)/$close', 'Std($close/Ref($close,1)-1, 10)'], {
      universe: 'all',
      train: SPLITS.train,
      valid: SPLITS.valid,
    });
    const common = ['--data', csv, '--train', SPLITS.train, '--valid', SPLITS.valid, '--test', SPLITS.test, '--model', 'ridge', '--topk', '4', '--n-drop', '1'];
    const cli = async (args: string[]) => {
      const r = await runCli(args);
      if (r.code !== 0) throw new Error(`alphaswarm ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const json = await cli(['backtest', ...common, '--library', join(runDir, 'library.json'), '--baseline', 'alpha20', '--report', files.backtest, '--json']);
    writeFileSync(join(dir, 'backtest.json'), json);
    await cli(['report', join(dir, 'backtest.json'), '--out', files.fromJson]);
    await cli(['report', runDir, '--out', files.run]);
    await cli(['backtest', ...common, '--library', 'alpha20', '--report', files.alone]);

    context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'alphaswarm-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1240, height: 1000 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    for (const [name, file] of Object.entries(files)) {
      const page = await context.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      const url = pathToFileURL(file).href;
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (r) => {
        if (r.url() !== url) requests.push(r.url());
      });
      await page.goto(url, { waitUntil: 'load' });
      const measured = await page.evaluate(() => {
        // Runs in the page: plain DOM.
        const doc = (globalThis as any).document;
        const charts = [...doc.querySelectorAll('figure.chart')].map((figure: any) => {
          const marks = [...figure.querySelectorAll('svg .mark')].filter((el: any) => {
            const box = el.getBBox();
            return box.width > 0 || box.height > 0;
          });
          const drawnPaths = marks.filter((el: any) => el.tagName === 'path' && (el.getAttribute('d') ?? '') !== '' && el.getTotalLength() > 0);
          return { caption: figure.querySelector('figcaption')?.textContent ?? '', marks: marks.length, drawnPaths: drawnPaths.length };
        });
        const sections = [...doc.querySelectorAll('section')].map((s: any) => ({ id: s.id, period: s.dataset.period, missing: s.querySelector('.missing') !== null }));
        return { charts, sections };
      });
      await page.screenshot({ path: join(tmpdir(), `alphaswarm-report-${name}.png`), fullPage: true });
      await page.close();
      checks.set(name, { ...measured, errors, requests });
    }
  }, 240_000);

  afterAll(async () => {
    await context?.close();
  });

  const everyChartDrawn = (name: string, count: number) => {
    const check = checks.get(name)!;
    expect(check.charts.map((c) => c.caption)).toHaveLength(count);
    for (const chart of check.charts) expect(chart.marks, chart.caption).toBeGreaterThan(0);
    expect(check.errors).toEqual([]);
    expect(check.requests).toEqual([]);
  };
  const sectionIds = ['summary', 'ic', 'excess', 'quantiles', 'decay', 'families', 'lineage', 'generations', 'guard', 'notes'];

  it('backtest with its mining run: eleven charts drawn, every section filled, nothing fetched', () => {
    // ic, excess + drawdown, quantiles, decay, families, three lineage trees, train + valid generation boxes.
    everyChartDrawn('backtest', 11);
    const { sections, charts } = checks.get('backtest')!;
    expect(sections.map((s) => s.id)).toEqual(sectionIds);
    expect(sections.filter((s) => s.missing)).toEqual([]);
    expect(sections.find((s) => s.id === 'excess')!.period).toBe('test');
    expect(sections.find((s) => s.id === 'lineage')!.period).toBe('train-valid');
    // Line charts draw measurable paths, one per series (library and baseline: IC and RankIC).
    expect(charts[0]!.drawnPaths).toBe(4);
    // The crossover's tree holds its two parents and the mutation's seed: 4 nodes and 3 edges.
    const lineage = charts.filter((c) => /F_t-cross|\(\$close \/ Ref/.test(c.caption));
    expect(lineage.some((c) => c.marks === 7)).toBe(true);
  });

  it('the same backtest rendered again from its JSON draws the same charts', () => {
    everyChartDrawn('fromJson', 11);
    expect(checks.get('fromJson')!.charts).toEqual(checks.get('backtest')!.charts);
  });

  it('run report: train/valid charts drawn from the data, the backtest section says why it is empty', () => {
    // IC and RankIC, quantiles, decay, families, three lineage trees, two generation boxes.
    everyChartDrawn('run', 10);
    const { sections } = checks.get('run')!;
    expect(sections.filter((s) => s.missing).map((s) => s.id)).toEqual(['excess']);
    expect(sections.filter((s) => s.period === 'test')).toEqual([]);
  });

  it('backtest without a run: the run sections say so', () => {
    everyChartDrawn('alone', 6);
    const { sections } = checks.get('alone')!;
    expect(sections.filter((s) => s.missing).map((s) => s.id)).toEqual(['lineage', 'generations']);
  });
});

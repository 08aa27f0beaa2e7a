/**
 * The single entry point for market data: reads a directory in whichever
 * layout it is (qlib bin when it has calendars/, else one CSV per instrument).
 */

import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';

import type { Panel } from '../panel.js';
import { loadCsvPanel } from './csv.js';
import { DataError } from './errors.js';
import type { LoadOptions } from './options.js';
import { loadQlibPanel } from './qlib.js';

export type DataLayout = 'qlib' | 'csv';

/** The layout of a data directory, or a DataError saying why it is neither. */
export function detectLayout(dir: string): DataLayout {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new DataError(`${dir}: data directory does not exist`);
  }
  if (!isDir) throw new DataError(`${dir}: not a directory (expected a qlib data directory or a directory of CSV files)`);
  if (existsSync(join(dir, 'calendars'))) return 'qlib';
  if (readdirSync(dir).some((f) => extname(f).toLowerCase() === '.csv')) return 'csv';
  throw new DataError(`${dir}: not market data: no calendars/ folder (qlib layout) and no .csv files (CSV layout)`);
}

export function loadPanel(dir: string, options: LoadOptions = {}): Panel {
  return detectLayout(dir) === 'qlib' ? loadQlibPanel(dir, options) : loadCsvPanel(dir, options);
}

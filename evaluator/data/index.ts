/** Market data: readers, date handling and the synthetic market, in one import. */
export { DataError } from './errors.js';
export type { LoadOptions } from './options.js';
export { loadPanel, detectLayout, type DataLayout } from './load.js';
export { loadQlibPanel, readCalendar, readInstrumentFile } from './qlib.js';
export { loadCsvPanel, CSV_FIELDS } from './csv.js';
export { resolveDateRange, parseSplit, normalizeDate, type DateRange, type DateSplit } from './dates.js';
export {
  syntheticMarket,
  SYNTHETIC_LABEL,
  type SyntheticMarketOptions,
  type PlantedSignal,
  type PlantedSignalTarget,
} from './synthetic/market.js';
export { PLANTED_SIGNALS, type PlantedSignalName } from './synthetic/plantedSignals.js';

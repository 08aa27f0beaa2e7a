/**
 * The data fields a factor may read. qlib's field names are lower-case; the
 * type checker matches `$Close` case-insensitively and stores `close`.
 */

/** qlib's daily fields present in every data set here (see the shared data README). */
export const DEFAULT_FIELDS: ReadonlySet<string> = new Set(['open', 'high', 'low', 'close', 'volume', 'factor', 'change']);

/** What each known field holds, for the DSL text shown to LLMs. */
export const FIELD_DOCS: Readonly<Record<string, string>> = {
  open: 'opening price (split- and dividend-adjusted)',
  high: 'highest price of the day (adjusted)',
  low: 'lowest price of the day (adjusted)',
  close: 'closing price (adjusted)',
  volume: 'traded volume (adjusted the other way: raw volume = volume * factor)',
  factor: 'price adjustment factor (raw price = price / factor)',
  change: 'daily change as the data vendor reports it (units differ by market: prefer $close/Ref($close,1)-1)',
  vwap: 'volume-weighted average price of the day (adjusted)',
};

/** Lower-cased copy of a caller's field set. */
export function normaliseFields(fields: Iterable<string>): ReadonlySet<string> {
  return new Set([...fields].map((f) => f.toLowerCase()));
}

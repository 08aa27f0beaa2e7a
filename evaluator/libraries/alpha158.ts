/**
 * qlib's Alpha158: the factors of `Alpha158DL.get_feature_config()` with its
 * default config (kbar; price OPEN/HIGH/LOW/VWAP at window 0; every rolling
 * operator at windows 5, 10, 20, 30, 60), in qlib's order and with qlib's names.
 * The VWAP0 feature needs a `vwap` field; data without one (our CSI 300 and
 * S&P 500 sets) gets the other 157.
 */
import type { NamedFactor } from './types.js';

const WINDOWS = [5, 10, 20, 30, 60] as const;

const KBAR: readonly NamedFactor[] = [
  { name: 'KMID', expression: '($close-$open)/$open' },
  { name: 'KLEN', expression: '($high-$low)/$open' },
  { name: 'KMID2', expression: '($close-$open)/($high-$low+1e-12)' },
  { name: 'KUP', expression: '($high-Greater($open, $close))/$open' },
  { name: 'KUP2', expression: '($high-Greater($open, $close))/($high-$low+1e-12)' },
  { name: 'KLOW', expression: '(Less($open, $close)-$low)/$open' },
  { name: 'KLOW2', expression: '(Less($open, $close)-$low)/($high-$low+1e-12)' },
  { name: 'KSFT', expression: '(2*$close-$high-$low)/$open' },
  { name: 'KSFT2', expression: '(2*$close-$high-$low)/($high-$low+1e-12)' },
];

const PRICE_FIELDS = ['open', 'high', 'low', 'vwap'] as const;

/** Rolling families in qlib's order: name prefix and the expression for window d. */
const ROLLING: readonly (readonly [string, (d: number) => string])[] = [
  ['ROC', (d) => `Ref($close, ${d})/$close`],
  ['MA', (d) => `Mean($close, ${d})/$close`],
  ['STD', (d) => `Std($close, ${d})/$close`],
  ['BETA', (d) => `Slope($close, ${d})/$close`],
  ['RSQR', (d) => `Rsquare($close, ${d})`],
  ['RESI', (d) => `Resi($close, ${d})/$close`],
  ['MAX', (d) => `Max($high, ${d})/$close`],
  ['MIN', (d) => `Min($low, ${d})/$close`],
  ['QTLU', (d) => `Quantile($close, ${d}, 0.8)/$close`],
  ['QTLD', (d) => `Quantile($close, ${d}, 0.2)/$close`],
  ['RANK', (d) => `Rank($close, ${d})`],
  ['RSV', (d) => `($close-Min($low, ${d}))/(Max($high, ${d})-Min($low, ${d})+1e-12)`],
  ['IMAX', (d) => `IdxMax($high, ${d})/${d}`],
  ['IMIN', (d) => `IdxMin($low, ${d})/${d}`],
  ['IMXD', (d) => `(IdxMax($high, ${d})-IdxMin($low, ${d}))/${d}`],
  ['CORR', (d) => `Corr($close, Log($volume+1), ${d})`],
  ['CORD', (d) => `Corr($close/Ref($close,1), Log($volume/Ref($volume, 1)+1), ${d})`],
  ['CNTP', (d) => `Mean($close>Ref($close, 1), ${d})`],
  ['CNTN', (d) => `Mean($close<Ref($close, 1), ${d})`],
  ['CNTD', (d) => `Mean($close>Ref($close, 1), ${d})-Mean($close<Ref($close, 1), ${d})`],
  ['SUMP', (d) => `Sum(Greater($close-Ref($close, 1), 0), ${d})/(Sum(Abs($close-Ref($close, 1)), ${d})+1e-12)`],
  ['SUMN', (d) => `Sum(Greater(Ref($close, 1)-$close, 0), ${d})/(Sum(Abs($close-Ref($close, 1)), ${d})+1e-12)`],
  [
    'SUMD',
    (d) => `(Sum(Greater($close-Ref($close, 1), 0), ${d})-Sum(Greater(Ref($close, 1)-$close, 0), ${d}))/(Sum(Abs($close-Ref($close, 1)), ${d})+1e-12)`,
  ],
  ['VMA', (d) => `Mean($volume, ${d})/($volume+1e-12)`],
  ['VSTD', (d) => `Std($volume, ${d})/($volume+1e-12)`],
  ['WVMA', (d) => `Std(Abs($close/Ref($close, 1)-1)*$volume, ${d})/(Mean(Abs($close/Ref($close, 1)-1)*$volume, ${d})+1e-12)`],
  ['VSUMP', (d) => `Sum(Greater($volume-Ref($volume, 1), 0), ${d})/(Sum(Abs($volume-Ref($volume, 1)), ${d})+1e-12)`],
  ['VSUMN', (d) => `Sum(Greater(Ref($volume, 1)-$volume, 0), ${d})/(Sum(Abs($volume-Ref($volume, 1)), ${d})+1e-12)`],
  [
    'VSUMD',
    (d) => `(Sum(Greater($volume-Ref($volume, 1), 0), ${d})-Sum(Greater(Ref($volume, 1)-$volume, 0), ${d}))/(Sum(Abs($volume-Ref($volume, 1)), ${d})+1e-12)`,
  ],
];

/** Alpha158 for data with the given fields: 158 factors with `vwap`, 157 without. */
export function alpha158(fields: ReadonlySet<string>): NamedFactor[] {
  const factors: NamedFactor[] = [...KBAR];
  for (const field of PRICE_FIELDS) {
    if (fields.has(field)) factors.push({ name: `${field.toUpperCase()}0`, expression: `$${field}/$close` });
  }
  for (const [prefix, expr] of ROLLING) {
    for (const d of WINDOWS) factors.push({ name: `${prefix}${d}`, expression: expr(d) });
  }
  return factors;
}

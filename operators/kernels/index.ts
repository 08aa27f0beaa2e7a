/**
 * Every operator's kernel by name, one per entry of operators/registry.ts
 * (the registry checks both directions at load). Organised by taxonomy:
 * element-wise, pair, conditional, rolling (shifts, moments, extremes, order
 * statistics, regression, weighted averages), pair rolling, cross-sectional.
 */

import { If } from './conditional.js';
import { CSDemean, CSRank, CSScale, CSWinsorize, CSZScore } from './crossSectional.js';
import { Abs, Log, Not, Power, Sign } from './elementwise.js';
import { Add, And, Div, Eq, Ge, Greater, Gt, Le, Less, Lt, Mul, Ne, Or, Sub } from './pair.js';
import { Corr, Cov } from './pairRolling.js';
import { IdxMax, IdxMin, Max, Min } from './rolling/extremes.js';
import { Count, Kurt, Mean, Skew, Std, Sum, Var } from './rolling/moments.js';
import { Mad, Med, Quantile, Rank } from './rolling/orderStatistics.js';
import { Resi, Rsquare, Slope } from './rolling/regression.js';
import { Delta, Ref } from './rolling/shift.js';
import { EMA, WMA } from './rolling/weighted.js';
import type { Kernel } from './types.js';

export const KERNELS: Readonly<Record<string, Kernel>> = Object.freeze({
  Abs, Sign, Log, Power, Not,
  Add, Sub, Mul, Div, Greater, Less, Gt, Ge, Lt, Le, Eq, Ne, And, Or,
  If,
  Ref, Delta,
  Mean, Sum, Std, Var, Skew, Kurt, Count,
  Max, Min, IdxMax, IdxMin,
  Med, Mad, Rank, Quantile,
  Slope, Rsquare, Resi,
  WMA, EMA,
  Corr, Cov,
  CSRank, CSZScore, CSDemean, CSScale, CSWinsorize,
});

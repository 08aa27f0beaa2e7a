/**
 * The Alpha20 seed pool of R&D-Agent(Q) (Table 5): twenty Alpha158 factors
 * chosen for low mutual correlation. QuantaAlpha's diversified planning and
 * our planner start from it, and mined libraries are compared against it.
 */
import type { NamedFactor } from './types.js';

export const ALPHA20: readonly NamedFactor[] = [
  { name: 'RESI5', expression: 'Resi($close, 5)/$close' },
  { name: 'WVMA5', expression: 'Std(Abs($close/Ref($close, 1)-1)*$volume, 5)/(Mean(Abs($close/Ref($close, 1)-1)*$volume, 5)+1e-12)' },
  { name: 'RSQR5', expression: 'Rsquare($close, 5)' },
  { name: 'KLEN', expression: '($high-$low)/$open' },
  { name: 'RSQR10', expression: 'Rsquare($close, 10)' },
  { name: 'CORR5', expression: 'Corr($close, Log($volume+1), 5)' },
  { name: 'CORD5', expression: 'Corr($close/Ref($close,1), Log($volume/Ref($volume, 1)+1), 5)' },
  { name: 'CORR10', expression: 'Corr($close, Log($volume+1), 10)' },
  { name: 'ROC60', expression: 'Ref($close, 60)/$close' },
  { name: 'RESI10', expression: 'Resi($close, 10)/$close' },
  { name: 'VSTD5', expression: 'Std($volume, 5)/($volume+1e-12)' },
  { name: 'RSQR60', expression: 'Rsquare($close, 60)' },
  { name: 'CORR60', expression: 'Corr($close, Log($volume+1), 60)' },
  { name: 'WVMA60', expression: 'Std(Abs($close/Ref($close, 1)-1)*$volume, 60)/(Mean(Abs($close/Ref($close, 1)-1)*$volume, 60)+1e-12)' },
  { name: 'STD5', expression: 'Std($close, 5)/$close' },
  { name: 'RSQR20', expression: 'Rsquare($close, 20)' },
  { name: 'CORD60', expression: 'Corr($close/Ref($close,1), Log($volume/Ref($volume, 1)+1), 60)' },
  { name: 'CORD10', expression: 'Corr($close/Ref($close,1), Log($volume/Ref($volume, 1)+1), 10)' },
  { name: 'CORR20', expression: 'Corr($close, Log($volume+1), 20)' },
  { name: 'KLOW', expression: '(Less($open, $close)-$low)/$open' },
];

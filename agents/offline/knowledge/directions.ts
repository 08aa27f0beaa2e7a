/**
 * Research directions the planner composes plans from (QuantaAlpha's
 * diversified planning): each names a signal source and a mechanism and the
 * time scales it makes sense at. Seeds are chosen from the seed pool by what
 * their expressions read.
 */
import type { Mechanism, SignalSource, TimeScale } from './types.js';

export interface DirectionArchetype {
  readonly title: string;
  readonly source: SignalSource;
  readonly mechanism: Mechanism;
  readonly scales: readonly TimeScale[];
  readonly rationale: string;
}

export const DIRECTION_ARCHETYPES: readonly DirectionArchetype[] = [
  { title: 'Overreaction and short-term reversal in prices', source: 'price', mechanism: 'reversion', scales: ['short', 'medium'], rationale: 'Liquidity-driven price pressure reverts once it is absorbed; deviations from recent means and trend residuals measure it.' },
  { title: 'Trend persistence and momentum quality', source: 'price', mechanism: 'momentum', scales: ['medium', 'long'], rationale: 'Slow information diffusion sustains smooth trends; trend fit, efficiency and risk-adjusted momentum separate them from noise.' },
  { title: 'Long-horizon cycles and turning points', source: 'price', mechanism: 'regime', scales: ['long'], rationale: 'Position within long cycles, moving-average structure and time since peaks mark phases that persist or turn.' },
  { title: 'Low-volatility and lottery effects', source: 'volatility', mechanism: 'volatility', scales: ['medium', 'long'], rationale: 'Lottery-seeking and leverage constraints overprice volatile, positively skewed stocks.' },
  { title: 'Volatility regimes and their transitions', source: 'volatility', mechanism: 'regime', scales: ['short', 'medium'], rationale: 'Shifts between calm and turbulent states change required returns and which signals work.' },
  { title: 'Range-based volatility and compression cycles', source: 'range', mechanism: 'volatility', scales: ['short', 'medium'], rationale: 'The high-low range measures intraday disagreement efficiently; compression and expansion alternate.' },
  { title: 'Candlestick geometry and intraday battles', source: 'range', mechanism: 'microstructure', scales: ['short', 'medium'], rationale: 'Shadows, bodies and close locations record who controlled each session.' },
  { title: 'Liquidity premia and trading frictions', source: 'price-volume', mechanism: 'liquidity', scales: ['medium', 'long'], rationale: 'Price impact per unit of trading and unreliable turnover are priced as illiquidity.' },
  { title: 'Attention and abnormal trading volume', source: 'volume', mechanism: 'liquidity', scales: ['short', 'medium'], rationale: 'Volume spikes mark attention that brings temporary buying pressure, later reversed.' },
  { title: 'Shape and rhythm of trading activity', source: 'volume', mechanism: 'microstructure', scales: ['medium', 'long'], rationale: 'Concentration, skewness and trends of volume describe participation and its fading.' },
  { title: 'Price-volume coherence and divergence', source: 'price-volume', mechanism: 'microstructure', scales: ['short', 'medium'], rationale: 'Volume confirms informed moves; decoupled price and volume signal exhaustion.' },
  { title: 'Order imbalance from daily bars', source: 'price-volume', mechanism: 'microstructure', scales: ['short', 'medium'], rationale: 'Close locations and up-day volume reveal one-sided pressure from informed traders.' },
  { title: 'Volume-conditioned reversal', source: 'price-volume', mechanism: 'reversion', scales: ['short'], rationale: 'Moves on thin volume carry little information and revert more than moves on heavy volume.' },
  { title: 'Tail risk and crash exposure', source: 'volatility', mechanism: 'volatility', scales: ['medium', 'long'], rationale: 'Downside tails, semi-deviation and large down days carry crash risk priced with delay.' },
  { title: 'Fragility before breaks', source: 'price-volume', mechanism: 'regime', scales: ['medium'], rationale: 'Range compression on drying volume and stretched prices precede sharp moves.' },
  { title: 'Drawdown geometry and recovery', source: 'price', mechanism: 'reversion', scales: ['medium', 'long'], rationale: 'Depth, duration and recovery speed of drawdowns measure capitulation and resilience.' },
  { title: 'Multi-scale memory and roughness', source: 'volatility', mechanism: 'regime', scales: ['medium', 'long'], rationale: 'Variance ratios and how volatility scales with the horizon reveal trending or mean-reverting memory.' },
  { title: 'Delayed adjustment and lead-lag feedback', source: 'price-volume', mechanism: 'momentum', scales: ['short', 'medium'], rationale: 'Information arriving through volume or volatility shocks is priced over several days.' },
  { title: 'Asymmetric volatility of up and down moves', source: 'volatility', mechanism: 'volatility', scales: ['medium'], rationale: 'Upside volatility reflects speculation, downside volatility fear; their balance is priced.' },
  { title: 'Overnight against intraday returns', source: 'price', mechanism: 'microstructure', scales: ['short', 'medium'], rationale: 'Overnight and intraday sessions are traded by different clienteles whose moves partly revert.' },
  { title: 'Regime-gated signals', source: 'mixed', mechanism: 'regime', scales: ['medium'], rationale: 'Reversal pays in turbulence and thin trading, momentum in calm trending markets: gate signals on the state.' },
  { title: 'Stability and consistency of behaviour', source: 'mixed', mechanism: 'other', scales: ['medium', 'long'], rationale: 'Steady returns and stable trading reveal patient demand and robust mispricing.' },
  { title: 'Herding, crowding and market alignment', source: 'mixed', mechanism: 'microstructure', scales: ['short', 'medium', 'long'], rationale: 'Crowded trades and high-beta stocks overshoot with the herd and unwind.' },
  { title: 'Fusion of orthogonal mechanisms', source: 'mixed', mechanism: 'other', scales: ['medium'], rationale: 'Independent weak signals from different mechanisms reinforce each other when combined.' },
];

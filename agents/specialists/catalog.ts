/**
 * CogAlpha's 21 specialists in their seven levels ("Cognitive Alpha Mining",
 * section 3.1 and Appendix A.1), from the macroscopic (level 1, market
 * structure) to the microscopic (level 7, bar geometry and fusion).
 *
 * Each entry carries what a specialist module exports (name, level,
 * guidance, version, capabilities), so any built-in specialist could equally
 * be attached as a module, plus its paper name, layer, remit and its guidance
 * paraphrased in CogAlpha's five modes (Appendix A.2):
 *
 *   light      minimal rewording, nearly identical meaning (the baseline)
 *   moderate   natural rephrasing with mild enrichment, same focus
 *   creative   research-oriented rewording that adds interpretative depth
 *   divergent  a new but related viewpoint: a neighbouring sub-mechanism
 *   concrete   measurable quantities: formulas, ratios, example computations
 */
import type { GuidanceMode } from '../roles.js';
import type { SpecialistDefinition } from '../specialistDefinition.js';

export type Level = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface Layer {
  readonly level: Level;
  readonly name: string;
  readonly description: string;
}

/** Appendix A.1's table. */
export const LAYERS: readonly Layer[] = [
  { level: 1, name: 'Market Structure & Cycle Layer', description: 'Large-scale temporal structures: long-term trends, market phases and cyclical state transitions inferred from daily OHLCV dynamics.' },
  { level: 2, name: 'Extreme Risk & Fragility Layer', description: 'Tail-risk exposure, crash precursors and systemic fragility patterns that signal regime breakdowns or stress accumulation.' },
  { level: 3, name: 'Price–Volume Dynamics Layer', description: 'Interactions between price and trading activity: liquidity, order imbalance, and coherence between price movement and volume.' },
  { level: 4, name: 'Price–Volatility Behavior Layer', description: 'Trend persistence, short-term reversals, volatility clustering and asymmetric price dynamics.' },
  { level: 5, name: 'Multi-Scale Complexity Layer', description: 'Cross-scale irregularity, fractal roughness, drawdown–recovery geometry and long memory in time series.' },
  { level: 6, name: 'Stability & Regime-Gating Layer', description: 'Temporal stability, and adaptive gates that switch signals on or off under varying market conditions.' },
  { level: 7, name: 'Geometric & Fusion Layer', description: 'Candlestick geometry, and fusion of independent signals into coherent composite factors.' },
];

export interface BuiltInSpecialist extends Omit<SpecialistDefinition, 'propose'> {
  /** Agent name on the bus (kebab-case), also its queue. */
  readonly name: string;
  /** The paper's name, e.g. AgentMarketCycle. */
  readonly paperName: string;
  readonly level: Level;
  readonly layer: string;
  /** What it explores (Appendix A.1, paraphrased). */
  readonly remit: string;
  /** Its guidance as a module would export it (the light paraphrase's source text). */
  readonly guidance: string;
  /** The guidance in each paraphrase mode. */
  readonly paraphrases: Readonly<Record<GuidanceMode, string>>;
  readonly version: string;
  /** Mechanisms it covers (for schedulers and registry listings). */
  readonly capabilities: readonly string[];
}

type Entry = Omit<BuiltInSpecialist, 'layer' | 'guidance' | 'version'>;

function layerName(level: Level): string {
  return LAYERS[level - 1]!.name;
}

const ENTRIES: readonly Entry[] = [
  // ---- level 1: market structure & cycle ----
  {
    name: 'market-cycle',
    paperName: 'AgentMarketCycle',
    level: 1,
    remit: 'Long-term cyclical transitions and phase shifts in price dynamics: hidden market rhythms and structural turning points.',
    capabilities: ['cycle', 'trend', 'momentum', 'reversion'],
    paraphrases: {
      light: 'Explore long-term cyclical transitions and phase shifts in each stock\'s price path, to reveal hidden rhythms and structural turning points.',
      moderate: 'Look at where a stock sits in its own long cycle: is it early in an up-phase, late in an extended run, or turning after a long decline? Phase position over months says something about the next weeks.',
      creative: 'Treat each price history as a slow oscillation around a drifting trend: the signal is the phase of that oscillation, how stretched the price is from its long-run anchor, and whether the cycle is accelerating or stalling near a turning point.',
      divergent: 'Instead of the price level, study the cycle of trend strength itself: long-horizon momentum that is fading, trend fits that are losing their explanatory power, or moving-average structures that are about to cross.',
      concrete: 'Measure phase and turning points: position in the long range ($close-Min($low,120))/(Max($high,120)-Min($low,120)), long momentum skipping the last month $close(t-20)/$close(t-120)-1, moving-average gaps Mean($close,20)/Mean($close,120)-1, and the 60-day trend slope Slope($close,60)/$close.',
    },
  },
  {
    name: 'volatility-regime',
    paperName: 'AgentVolatilityRegime',
    level: 1,
    remit: 'Transitions between calm and turbulent volatility states; regime persistence and volatility clustering.',
    capabilities: ['volatility', 'regime', 'clustering'],
    paraphrases: {
      light: 'Detect transitions between calm and turbulent volatility states, and characterise how persistent and clustered those regimes are.',
      moderate: 'Ask whether a stock is entering, leaving or staying in a high-volatility state, and how sticky that state tends to be; low, stable volatility and sudden volatility jumps price differently.',
      creative: 'Volatility has memory: turbulence breeds turbulence. Read the ratio of recent to long-run volatility as the stock\'s current weather, and the stability of that ratio as its climate; both shape risk premia and investor attention.',
      divergent: 'Shift from the level of volatility to its dynamics: volatility of volatility, the speed at which shocks decay, or whether range-based and close-to-close volatility disagree about the regime.',
      concrete: 'Quantify regimes with ratios: Std(r,5)/Std(r,60) (short versus long volatility, r = $close/Ref($close,1)-1), the level Std(r,20), the volatility of volatility Std(Std(r,5),20)/Mean(Std(r,5),20), and the rank of today\'s volatility in its own year Rank(Std(r,20),250).',
    },
  },
  // ---- level 2: extreme risk & fragility ----
  {
    name: 'tail-risk',
    paperName: 'AgentTailRisk',
    level: 2,
    remit: 'Downside sensitivity and tail-event exposure: how negative shocks propagate through time.',
    capabilities: ['tail', 'skewness', 'downside', 'lottery'],
    paraphrases: {
      light: 'Quantify each stock\'s downside sensitivity and its exposure to tail events, and how negative shocks carry forward in time.',
      moderate: 'Measure how badly and how often a stock falls hard, and whether its extreme days lean to the downside or the upside; investors pay for lottery-like upside and demand compensation for crash risk.',
      creative: 'A return distribution has a personality in its tails: lottery stocks with extreme up days attract speculative demand and later disappoint, while stocks with fat left tails must pay a premium; read the asymmetry of extremes as a mispricing of hope and fear.',
      divergent: 'Look at tail risk through its aftermath rather than its size: what happens in the days after a large drop, whether extreme moves cluster, and how the worst days compare with the typical day.',
      concrete: 'Compute the largest daily return Max(r,20) (the MAX effect), return skewness Skew(r,20), excess kurtosis Kurt(r,60), the 5% quantile Quantile(r,60,0.05), and downside semi-deviation Std(Less(r,0),20), with r = $close/Ref($close,1)-1.',
    },
  },
  {
    name: 'crash-predictor',
    paperName: 'AgentCrashPredictor',
    level: 2,
    remit: 'Early warning signals of collapses: volatility compression, liquidity depletion and structural fragility.',
    capabilities: ['fragility', 'compression', 'liquidity', 'crash'],
    paraphrases: {
      light: 'Identify early warning signals of collapses by tracking volatility compression, liquidity depletion and structural fragility.',
      moderate: 'Watch for the quiet before the storm: ranges that shrink while volume dries up, rallies that run on thinning participation, and prices stretched far above their support.',
      creative: 'Fragility builds unseen: a stock that rises on ever fewer shares, with ever narrower ranges, is a tower on a shrinking base; find the signatures of that build-up before the release.',
      divergent: 'Move from single-stock fragility to the shape of the recent path: accelerating gains, repeated failed breakouts, or divergence between price highs and volume highs.',
      concrete: 'Combine compression and depletion: Mean($high-$low,5)/Mean($high-$low,60) (range squeeze), Mean($volume,5)/Mean($volume,60) (volume dry-up), price stretch $close/Mean($close,60)-1, and price-up-on-falling-volume Corr(Delta($close,1),Delta($volume,1),20).',
    },
  },
  // ---- level 3: price-volume dynamics ----
  {
    name: 'liquidity',
    paperName: 'AgentLiquidity',
    level: 3,
    remit: 'Market depth and trading frictions through price impact and turnover variability.',
    capabilities: ['liquidity', 'illiquidity', 'turnover', 'impact'],
    paraphrases: {
      light: 'Measure market depth and trading frictions through price impact and the variability of turnover.',
      moderate: 'Ask how much the price moves per unit of trading and how erratic trading activity is; illiquid stocks that are costly to trade should earn a premium.',
      creative: 'Liquidity is the market\'s shock absorber: where each traded share moves the price a lot, or where activity comes in unpredictable bursts, holders demand compensation and prices adjust slowly.',
      divergent: 'Look at liquidity through its changes rather than its level: drying-up versus recovering volume, the stability of turnover, or how price impact differs between up and down days.',
      concrete: 'Use Amihud illiquidity Mean(Abs(r)/($close*$volume),20), turnover variability Std($volume,20)/Mean($volume,20), volume trend Mean($volume,5)/Mean($volume,60), and impact per unit volume Mean(Abs(r),20)/Mean(Log($volume+1),20), with r = $close/Ref($close,1)-1.',
    },
  },
  {
    name: 'order-imbalance',
    paperName: 'AgentOrderImbalance',
    level: 3,
    remit: 'Directional pressure from one-sided participation inferred from daily OHLCV patterns.',
    capabilities: ['imbalance', 'pressure', 'accumulation'],
    paraphrases: {
      light: 'Capture directional pressure from one-sided participation, inferred from daily OHLCV patterns.',
      moderate: 'Estimate whether buyers or sellers dominated each day from where the close lands in the range and how volume splits between up and down days, then accumulate that pressure.',
      creative: 'Every bar is a tug of war: a close near the high on heavy volume is a buyer\'s victory, a close near the low a seller\'s; persistent one-sided wins reveal informed accumulation or distribution.',
      divergent: 'Look at imbalance through its consistency rather than its size: how many days in a row pressure pointed the same way, or whether imbalance disagrees with the price trend.',
      concrete: 'Use the close location value CLV = (2*$close-$high-$low)/($high-$low), volume-weighted Sum(CLV*$volume,20)/Sum($volume,20), up-volume share Sum(If(r>0,$volume,0),20)/Sum($volume,20), and signed volume Mean(Sign(r)*$volume,10)/Mean($volume,10).',
    },
  },
  {
    name: 'price-volume-coherence',
    paperName: 'AgentPriceVolumeCoherence',
    level: 3,
    remit: 'Synchronisation and divergence between price and volume changes: energy alignment or decoupling.',
    capabilities: ['correlation', 'confirmation', 'divergence'],
    paraphrases: {
      light: 'Examine synchronisation and divergence between price and volume changes, revealing alignment or decoupling of market energy.',
      moderate: 'Check whether volume confirms price moves: rallies on rising volume and declines on falling volume tell a different story from moves that volume does not support.',
      creative: 'Price is the direction and volume the energy behind it; when the two move in step the move is conviction, when they decouple it is noise or exhaustion, and the market slowly corrects the difference.',
      divergent: 'Study coherence across horizons: whether the price-volume link is strengthening or weakening, or whether volume leads price by a day or two.',
      concrete: 'Compute Corr($close,Log($volume+1),20), the correlation of changes Corr(r,Log($volume/Ref($volume,1)),10), the change of that correlation over 5 days, and Cov(CSRank($close),CSRank($volume),10).',
    },
  },
  {
    name: 'volume-structure',
    paperName: 'AgentVolumeStructure',
    level: 3,
    remit: 'The statistical shape and concentration of trading activity: participation rhythm and clustering.',
    capabilities: ['volume', 'concentration', 'attention'],
    paraphrases: {
      light: 'Analyse the statistical shape and concentration of trading activity to understand participation rhythm and clustering.',
      moderate: 'Describe how a stock\'s volume is distributed over recent days: steady or bursty, concentrated in a few spikes or spread out, and whether today stands out.',
      creative: 'Volume tells where attention goes: spikes mark news and crowd arrival, long quiet spells neglect; the shape of the volume distribution is a map of investor attention and its fading.',
      divergent: 'Look at the timing rather than the amount: how long since the last volume peak, whether spikes recur, or whether volume bursts coincide with range expansion.',
      concrete: 'Use abnormal volume $volume/Mean($volume,20), concentration Max($volume,20)/Sum($volume,20), volume skewness Skew($volume,20), days since the volume peak IdxMax($volume,20), and the volume rank Rank($volume,60).',
    },
  },
  // ---- level 4: price-volatility behaviour ----
  {
    name: 'daily-trend',
    paperName: 'AgentDailyTrend',
    level: 4,
    remit: 'Directional persistence and multi-day momentum strength: sustained price movements.',
    capabilities: ['momentum', 'trend', 'persistence'],
    paraphrases: {
      light: 'Model directional persistence and multi-day momentum strength to uncover sustained price movements.',
      moderate: 'Find stocks whose recent moves are strong, steady and consistent in direction; quality of a trend matters as much as its size.',
      creative: 'A trend is a story investors keep telling themselves; smooth, orderly advances that under-react to good news continue, while jagged ones are noise; measure the coherence of the path, not only its distance.',
      divergent: 'Look at trend through its acceleration or its efficiency: is momentum building or fading, and how much of the path was net progress rather than back-and-forth?',
      concrete: 'Use return over n days $close/Ref($close,n)-1, risk-adjusted momentum Mean(r,20)/Std(r,20), trend fit Rsquare($close,20) times the sign of Slope($close,20), and path efficiency Abs($close-Ref($close,10))/Sum(Abs(Delta($close,1)),10).',
    },
  },
  {
    name: 'reversal',
    paperName: 'AgentReversal',
    level: 4,
    remit: 'Mean reversion and corrections of short-term overreaction after transient mispricings.',
    capabilities: ['reversal', 'reversion', 'overreaction'],
    paraphrases: {
      light: 'Capture mean reversion and short-term corrections of overreaction after transient mispricing.',
      moderate: 'Look for prices that moved too far too fast, especially relative to their own recent average, and are likely to snap back over the next days.',
      creative: 'Liquidity providers are paid to absorb the crowd\'s impatience: sharp moves driven by flows rather than news leave a temporary gap between price and value that closes as the pressure fades.',
      divergent: 'Shift from plain reversal to conditional reversal: moves on low volume, moves concentrated overnight, or moves far outside the stock\'s usual range revert differently.',
      concrete: 'Use the negative short return -($close/Ref($close,5)-1), the deviation from the moving average $close/Mean($close,10)-1, the residual of a short trend fit Resi($close,5)/$close, and the volatility-scaled move ($close-Mean($close,20))/Std($close,20).',
    },
  },
  {
    name: 'range-vol',
    paperName: 'AgentRangeVol',
    level: 4,
    remit: 'Range-based volatility dynamics: compression–expansion cycles in daily price ranges.',
    capabilities: ['range', 'volatility', 'compression'],
    paraphrases: {
      light: 'Investigate range-based volatility dynamics, including compression and expansion cycles in daily price ranges.',
      moderate: 'Use the daily high-low range as the volatility gauge and follow how it shrinks and widens over days; narrow ranges build up, wide ranges release.',
      creative: 'The high-low range is the footprint of intraday disagreement: compression is consensus or neglect, expansion is conflict; cycles between them carry information about the next leg.',
      divergent: 'Look at where the range sits rather than how wide it is: true range against gaps, the share of the range covered by the body, or range instability across days.',
      concrete: 'Compute the relative range ($high-$low)/$close, Parkinson volatility Mean(Power(Log($high/$low),2),20), compression Mean($high-$low,5)/Mean($high-$low,20), and true range Greater($high,Ref($close,1))-Less($low,Ref($close,1)) over $close.',
    },
  },
  {
    name: 'lag-response',
    paperName: 'AgentLagResponse',
    level: 4,
    remit: 'Delayed price adjustments and lagged feedback between volatility, volume and returns.',
    capabilities: ['lag', 'lead-lag', 'delayed adjustment'],
    paraphrases: {
      light: 'Study delayed price adjustments and the lagged feedback between volatility, volume and returns.',
      moderate: 'Find where yesterday\'s volume or volatility still shapes today\'s return: information that arrives with trading may take days to be priced.',
      creative: 'Markets digest news in stages; the echo of a volume or volatility shock in later returns reveals how slowly information diffuses through a stock\'s investor base.',
      divergent: 'Look at lags across the cross-section rather than in time: stocks that lag the market\'s moves, or whose returns respond late to their own range shocks.',
      concrete: 'Use the lagged correlation Corr(r,Ref($volume,1),20), Corr(r,Ref(r,1),20) (return autocorrelation), the response to a volume shock Ref($volume/Mean($volume,20),1)*r, and Corr(Abs(r),Ref(Abs(r),1),20).',
    },
  },
  {
    name: 'vol-asymmetry',
    paperName: 'AgentVolAsymmetry',
    level: 4,
    remit: 'Asymmetric volatility between upward and downward price moves: skewed risk behaviour.',
    capabilities: ['asymmetry', 'downside', 'upside', 'volatility'],
    paraphrases: {
      light: 'Measure asymmetric volatility between upward and downward price moves, highlighting skewed risk behaviour.',
      moderate: 'Compare how much a stock swings on its up days with its down days; when downside volatility dominates, investors fear the stock, when upside dominates, they chase it.',
      creative: 'Fear and greed leave different footprints: downside turbulence reflects forced selling, upside turbulence speculative chasing; the balance between them prices the stock\'s emotional risk.',
      divergent: 'Look at asymmetry inside the bar rather than across days: the upper versus lower part of the range, or the gap versus the intraday move.',
      concrete: 'Compute up volatility Std(If(r>0,r,0),20) over down volatility Std(If(r<0,r,0),20), the up-day share Mean(r>0,20), and (Max($high,20)/$close-1)-(1-Min($low,20)/$close), with r = $close/Ref($close,1)-1.',
    },
  },
  // ---- level 5: multi-scale complexity ----
  {
    name: 'drawdown',
    paperName: 'AgentDrawdown',
    level: 5,
    remit: 'Depth, duration and recovery geometry of cumulative losses: temporal resilience.',
    capabilities: ['drawdown', 'recovery', 'resilience'],
    paraphrases: {
      light: 'Evaluate the depth, duration and recovery geometry of cumulative losses, emphasising temporal resilience.',
      moderate: 'Measure how far a stock is below its recent peak, how long ago that peak was, and how quickly it has been recovering from its trough.',
      creative: 'A drawdown is a scar in the price path; its depth is the damage, its duration investor patience, and the speed of recovery the market\'s conviction; resilient stocks heal fast.',
      divergent: 'Study the mirror image: distance from the recent trough, rallies from lows, or the ratio of drawdown to run-up within the same window.',
      concrete: 'Use the drawdown $close/Max($close,60)-1, days since the peak 60-IdxMax($close,60), recovery from the trough $close/Min($close,20)-1, and drawdown per unit volatility ($close/Max($close,60)-1)/Std(r,60).',
    },
  },
  {
    name: 'fractal',
    paperName: 'AgentFractal',
    level: 5,
    remit: 'Multi-scale roughness and long-memory characteristics through cross-horizon variability and structural irregularity.',
    capabilities: ['fractal', 'variance ratio', 'long memory', 'roughness'],
    paraphrases: {
      light: 'Assess multi-scale roughness and long memory through cross-horizon variability and structural irregularity.',
      moderate: 'Compare how a stock\'s variability scales from short to long horizons: trending series vary more over long horizons than noise would suggest, mean-reverting ones less.',
      creative: 'A price path is a coastline: rough at every scale or smooth from afar; the way its variability grows with the horizon is its fingerprint of memory and of how information arrives.',
      divergent: 'Look at irregularity from the path\'s efficiency: how much of the day-to-day motion adds up to net displacement, or how fit quality changes with the horizon.',
      concrete: 'Compute the variance ratio Var(5-day returns,60)/(5*Var(r,60)), path efficiency Abs(Delta($close,20))/Sum(Abs(Delta($close,1)),20), the ratio Std(r,5)/Std(r,60), and the change in fit Rsquare($close,10)-Rsquare($close,60).',
    },
  },
  // ---- level 6: stability & regime gating ----
  {
    name: 'regime-gating',
    paperName: 'AgentRegimeGating',
    level: 6,
    remit: 'Adaptive gates that modulate signal activation depending on volatility, trend or liquidity states.',
    capabilities: ['gating', 'regime', 'conditional'],
    paraphrases: {
      light: 'Construct adaptive gates that switch a signal on or off depending on the volatility, trend or liquidity state.',
      moderate: 'A signal that works in calm markets can fail in turbulent ones; use a state variable to decide when to trust reversal and when momentum.',
      creative: 'Markets change their rules with their moods; a gate reads the mood, high or low volatility, rising or falling trend, thick or thin trading, and lets through only the signal that fits it.',
      divergent: 'Instead of hard switches, blend: weight a signal by how strongly a regime holds, or flip between two mechanisms as a state variable crosses its own median.',
      concrete: 'Write gates with If and comparisons: If(Std(r,20)>Mean(Std(r,20),120), -($close/Ref($close,5)-1), $close/Ref($close,20)-1); or momentum only when the trend fit is strong: If(Rsquare($close,20)>0.5, $close/Ref($close,20)-1, 0).',
    },
  },
  {
    name: 'stability',
    paperName: 'AgentStability',
    level: 6,
    remit: 'Temporal consistency and persistence in returns or derived signals: robustness and smoothness.',
    capabilities: ['stability', 'consistency', 'smoothness'],
    paraphrases: {
      light: 'Quantify temporal consistency and persistence in returns or derived signals, emphasising robustness and smoothness.',
      moderate: 'Prefer stocks whose behaviour is steady: consistent returns, stable trading, smooth trends; erratic ones are harder to price and often mispriced.',
      creative: 'Stability is information: a return stream that repeats itself day after day reveals patient, persistent demand, while an erratic one reveals noise traders; steadiness is a quality signal.',
      divergent: 'Look at the stability of the signals themselves: how much a momentum or volume signal changes from week to week, and whether its ranking is persistent.',
      concrete: 'Use the information ratio of returns Mean(r,60)/Std(r,60), the share of positive days Mean(r>0,20), the stability of volume Mean($volume,20)/Std($volume,20), and the smoothness of the trend Rsquare($close,60).',
    },
  },
  // ---- level 7: geometric & fusion ----
  {
    name: 'bar-shape',
    paperName: 'AgentBarShape',
    level: 7,
    remit: 'Candlestick geometry (body, shadows and symmetry) as continuous, interpretable descriptors.',
    capabilities: ['candlestick', 'shadow', 'body', 'geometry'],
    paraphrases: {
      light: 'Encode candlestick geometry, meaning body, shadows and symmetry, into continuous, interpretable descriptors.',
      moderate: 'Describe each day\'s bar by the size of its body and of its upper and lower shadows relative to the range, and look at their recent averages.',
      creative: 'A candle records a day-long battle: long upper shadows are rejected rallies, long lower shadows absorbed selling, full bodies conviction; averaged over days these shapes reveal who keeps winning.',
      divergent: 'Look at how bars relate to each other instead of one bar alone: engulfing bodies, gaps between consecutive bars, or bars nesting inside the previous range.',
      concrete: 'Use body/range ($close-$open)/($high-$low), upper shadow ($high-Greater($open,$close))/$open, lower shadow (Less($open,$close)-$low)/$open, the close location (2*$close-$high-$low)/($high-$low), and their 5- or 20-day means.',
    },
  },
  {
    name: 'creative',
    paperName: 'AgentCreative',
    level: 7,
    remit: 'Non-linear transformations, reparametrisations and soft gating that produce novel feature representations.',
    capabilities: ['nonlinear', 'transformation', 'soft gating'],
    paraphrases: {
      light: 'Apply non-linear transformations, reparametrisations or soft gating to generate novel feature representations.',
      moderate: 'Take familiar signals and reshape them: rank them in time, compress their extremes, square or root them, or let one signal scale another.',
      creative: 'Markets respond to signals non-linearly: small moves are noise, large ones news; bend familiar signals so that their informative part stands out, and let one signal soften or sharpen another.',
      divergent: 'Explore reparametrisation through time rather than shape: the signal\'s percentile in its own history, its surprise versus its average, or its change since last week.',
      concrete: 'Use transforms such as Rank(x,60) (time-series percentile), Sign(x)*Power(Abs(x),0.5) (signed root), (x-Mean(x,60))/Std(x,60) (time z-score), EMA(x,5) (smoothing) and soft gates x*CSRank(y), on base signals such as returns, ranges or volume ratios.',
    },
  },
  {
    name: 'composite',
    paperName: 'AgentComposite',
    level: 7,
    remit: 'Fusion of multiple independent factors into coherent composites, seeking synergy and orthogonality.',
    capabilities: ['fusion', 'composite', 'orthogonality'],
    paraphrases: {
      light: 'Fuse several independent factors into coherent composites, emphasising synergy and orthogonality among the signals.',
      moderate: 'Combine two or three signals that capture different mechanisms, each normalised cross-sectionally so none dominates, into one score.',
      creative: 'Independent weak signals reinforce each other when they agree and cancel noise when they do not; the craft is choosing partners that see different sides of the same mispricing.',
      divergent: 'Instead of adding signals, condition one on another: a signal that only matters where a second one is extreme, or the product of two ranked signals.',
      concrete: 'Combine z-scored signals: CSZScore(a)+CSZScore(b), or CSRank(a)*CSRank(b), with a and b from different families, e.g. short reversal -($close/Ref($close,5)-1) with low volatility -Std(r,20), or illiquidity with low turnover.',
    },
  },
  {
    name: 'herding',
    paperName: 'AgentHerding',
    level: 7,
    remit: 'Collective crowding and directional alignment within OHLCV dynamics: the intensity of market consensus.',
    capabilities: ['herding', 'crowding', 'cross-section'],
    paraphrases: {
      light: 'Detect collective crowding and directional alignment within OHLCV dynamics, reflecting the intensity of market consensus.',
      moderate: 'Find stocks where everyone is doing the same thing: persistent top ranks in returns and volume across the universe, which tend to overshoot and then unwind.',
      creative: 'Crowds arrive together and leave together; a stock that keeps ranking at the top of the universe on returns and turnover is carried by consensus, and consensus is fragile.',
      divergent: 'Look at herding through dispersion rather than ranks: how far a stock\'s move departs from the cross-sectional average, or how its ranking correlates with the market\'s volume rank.',
      concrete: 'Use the persistence of cross-sectional ranks Mean(CSRank(r),10), crowding Mean(CSRank(r)*CSRank($volume/Mean($volume,20)),10), the demeaned return CSDemean($close/Ref($close,5)-1), and Corr(CSRank(r),CSRank($volume),20).',
    },
  },
];

/** The 21 built-in specialists, level 1 first. */
export const SPECIALISTS: readonly BuiltInSpecialist[] = ENTRIES.map((entry) => ({
  ...entry,
  layer: layerName(entry.level),
  guidance: entry.paraphrases.light,
  version: '1.0.0',
}));

const BY_NAME: ReadonlyMap<string, BuiltInSpecialist> = new Map(SPECIALISTS.map((s) => [s.name, s]));

/** The built-in specialist with this bus name, or undefined. */
export function builtInSpecialist(name: string): BuiltInSpecialist | undefined {
  return BY_NAME.get(name);
}

/** The one progress line per generation (stderr). */
import type { GenerationSummary, Usage } from './state.js';

export function progressLine(summary: GenerationSummary, generations: number, usage: Usage, elapsedSeconds: number): string {
  const best = summary.bestValidRankIc === null ? 'n/a' : summary.bestValidRankIc.toFixed(4);
  const llm = usage.offline
    ? `offline model (not an LLM), ${usage.calls} calls`
    : `tokens ${usage.tokens}, cost ${usage.costUsd === null ? 'unknown (no prices configured)' : `$${usage.costUsd.toFixed(4)}`}`;
  return (
    `generation ${summary.generation + 1}/${generations}: candidates ${summary.candidates}, verified ${summary.verified}, evaluated ${summary.evaluated}, ` +
    `accepted ${summary.accepted}, library ${summary.librarySize}, best valid RankIC ${best}, ${llm}, ${summary.seconds.toFixed(1)} s (elapsed ${elapsedSeconds.toFixed(1)} s)`
  );
}

/**
 * review: only with --review. The graph stops here (LangGraph interrupt)
 * showing the generation's candidates; a person's decision resumes it
 * (graphs/review.ts says what each part of a decision does).
 */
import { interrupt } from '@langchain/langgraph';
import type { SwarmDeps } from '../deps.js';
import { applyReview, pendingReview, reviewDecisionSchema } from '../review.js';
import { node } from './common.js';

export function review(deps: SwarmDeps) {
  return node(deps, 'review', async (state) => {
    const answer: unknown = interrupt(pendingReview(state));
    const decision = reviewDecisionSchema.safeParse(answer);
    if (!decision.success) {
      return { incidents: [...state.incidents, { stage: 'review', agent: 'human', reason: `the review did not fit its schema (${decision.error.issues[0]?.message ?? 'invalid'}); continuing without it` }] };
    }
    return applyReview(state, decision.data);
  });
}

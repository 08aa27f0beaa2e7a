/**
 * Token and cost accounting for one run, in total, per agent and per role,
 * and the run's budget. Tokens are the endpoint's own counts when it reports
 * them; otherwise estimated from characters and flagged as estimated.
 * Cost is null (unknown) whenever a priced-by-nobody request contributed.
 */
import type { Budget, Pricing } from './config.js';

export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** True when the endpoint reported no usage and the counts are estimates. */
  readonly estimated: boolean;
}

export interface UsageTotals {
  /** LlmClient.complete calls finished (whatever their outcome). */
  readonly calls: number;
  /** Model requests made, including retries and re-asks. */
  readonly requests: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Some of the token counts are estimates. */
  readonly estimated: boolean;
  /** Null when some tokens came from a model whose price is unknown. */
  readonly costUsd: number | null;
}

export interface UsageSnapshot extends UsageTotals {
  readonly byAgent: Readonly<Record<string, UsageTotals>>;
  readonly byRole: Readonly<Record<string, UsageTotals>>;
  readonly budget: Budget & { readonly exhausted: boolean };
}

/** The usual rule of thumb for English and code: about four characters per token. */
const CHARS_PER_TOKEN = 4;

/** Usage as the endpoint reported it, or estimated from the prompt and reply lengths. */
export function tokenUsage(
  reported: { readonly input_tokens?: number; readonly output_tokens?: number } | undefined,
  promptChars: number,
  replyChars: number,
): TokenUsage {
  const input = reported?.input_tokens;
  const output = reported?.output_tokens;
  if (typeof input === 'number' && typeof output === 'number') return { inputTokens: input, outputTokens: output, estimated: false };
  return {
    inputTokens: typeof input === 'number' ? input : Math.ceil(promptChars / CHARS_PER_TOKEN),
    outputTokens: typeof output === 'number' ? output : Math.ceil(replyChars / CHARS_PER_TOKEN),
    estimated: true,
  };
}

export function costUsd(usage: TokenUsage, pricing: Pricing | null): number | null {
  if (pricing === null) return null;
  return (usage.inputTokens * pricing.inputPerMTok + usage.outputTokens * pricing.outputPerMTok) / 1_000_000;
}

type MutableTotals = { -readonly [K in keyof UsageTotals]: UsageTotals[K] };

const emptyTotals = (): MutableTotals => ({ calls: 0, requests: 0, inputTokens: 0, outputTokens: 0, estimated: false, costUsd: 0 });

export class UsageLedger {
  private readonly total = emptyTotals();
  private readonly agents = new Map<string, MutableTotals>();
  private readonly roles = new Map<string, MutableTotals>();

  constructor(readonly budget: Budget = {}) {}

  /** One model request; `usage` null when it produced no reply (error, timeout). */
  recordRequest(agent: string, role: string, usage: TokenUsage | null, pricing: Pricing | null): void {
    const cost = usage === null ? 0 : costUsd(usage, pricing);
    for (const t of this.totalsFor(agent, role)) {
      t.requests++;
      if (usage === null) continue;
      t.inputTokens += usage.inputTokens;
      t.outputTokens += usage.outputTokens;
      t.estimated ||= usage.estimated;
      t.costUsd = t.costUsd === null || cost === null ? null : t.costUsd + cost;
    }
  }

  recordCall(agent: string, role: string): void {
    for (const t of this.totalsFor(agent, role)) t.calls++;
  }

  /** Why no further request may start, or null while the budget lasts. */
  budgetExhausted(): string | null {
    const { tokens, usd } = this.budget;
    const used = this.total.inputTokens + this.total.outputTokens;
    if (tokens !== undefined && used >= tokens) return `${used} tokens used of a ${tokens}-token budget`;
    // Config validation guarantees prices for every endpoint when a USD budget is set, so costUsd is known here.
    if (usd !== undefined && this.total.costUsd !== null && this.total.costUsd >= usd) return `$${this.total.costUsd.toFixed(6)} spent of a $${usd} budget`;
    return null;
  }

  snapshot(): UsageSnapshot {
    return {
      ...this.total,
      byAgent: Object.fromEntries([...this.agents].map(([k, t]) => [k, { ...t }])),
      byRole: Object.fromEntries([...this.roles].map(([k, t]) => [k, { ...t }])),
      budget: { ...this.budget, exhausted: this.budgetExhausted() !== null },
    };
  }

  private totalsFor(agent: string, role: string): MutableTotals[] {
    const get = (map: Map<string, MutableTotals>, key: string) => {
      let t = map.get(key);
      if (!t) map.set(key, (t = emptyTotals()));
      return t;
    };
    return [this.total, get(this.agents, agent), get(this.roles, role)];
  }
}

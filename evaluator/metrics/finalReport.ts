/**
 * Custody of the test period: the one module that creates splits with a
 * test period and the one that can read it back.
 *
 * `splitCalendar` returns the agent-side splits (train, valid) and the test
 * period sealed in an object that holds no data at all; its range lives in
 * this module's private WeakMap, so only `finalReport` can use it. The seal
 * does not survive serialisation (a copy is a different object), so test
 * metrics are computed in the process that split the calendar.
 *
 * Agent-side code must never import this module: tests/metrics/sealing.test.ts
 * fails if anything reachable from agents/ or graphs/ does. The entry point
 * (CLI, runtime) splits the calendar, hands `splits.agent` to the swarm, and
 * calls `finalReport` when the search is over.
 */

import { inspect } from 'node:util';
import { createLabelContext } from './labelContext.js';
import { checkSeries } from './options.js';
import { scoreWithContext } from './score.js';
import {
  type AgentSplits,
  type SplitDates,
  type SplitRange,
  checkSplitOrder,
  makeAgentSplits,
  resolveSplitRange,
} from './splits.js';
import type { FactorScore, NamedFactor, ScoreOptions, ScoringInputs } from './types.js';

declare const sealed: unique symbol;

/** The test period, sealed: it exposes nothing; only finalReport() can open it. */
export interface SealedTestPeriod {
  readonly [sealed]: true;
}

export interface Splits {
  /** Give this to agents. */
  readonly agent: AgentSplits;
  /** Keep this for the final report. */
  readonly test: SealedTestPeriod;
}

class SealedPeriod {
  toJSON(): string {
    return '[sealed test period]';
  }
  toString(): string {
    return '[sealed test period]';
  }
  [inspect.custom](): string {
    return '[sealed test period]';
  }
}

const testPeriods = new WeakMap<object, SplitRange>();

export function splitCalendar(calendar: readonly string[], dates: SplitDates): Splits {
  const train = resolveSplitRange(calendar, 'train', dates.train);
  const valid = resolveSplitRange(calendar, 'valid', dates.valid);
  const test = resolveSplitRange(calendar, 'test', dates.test);
  checkSplitOrder([
    ['train', train],
    ['valid', valid],
    ['test', test],
  ]);
  const seal = Object.freeze(new SealedPeriod());
  testPeriods.set(seal, Object.freeze({ start: test.start, end: test.end, first: test.first, last: test.last }));
  return Object.freeze({
    agent: makeAgentSplits(train, valid, [...train.notes, ...valid.notes]),
    test: seal as unknown as SealedTestPeriod,
  });
}

export interface FinalFactorReport {
  readonly name: string;
  readonly train: FactorScore;
  readonly valid: FactorScore;
  readonly test: FactorScore;
}

export interface FinalReport {
  readonly periods: { readonly train: SplitRange; readonly valid: SplitRange; readonly test: SplitRange };
  readonly factors: readonly FinalFactorReport[];
}

/**
 * Scores each factor on train, valid and test. Factors and label must be
 * computed over the whole calendar (engine not clipped), unlike agent-side ones.
 */
export function finalReport(
  factors: readonly NamedFactor[],
  inputs: ScoringInputs,
  splits: Splits,
  options?: ScoreOptions,
): FinalReport {
  const test = testPeriods.get(splits.test);
  if (!test) throw new TypeError('not a sealed test period made by splitCalendar() in this process');
  const { train, valid } = splits.agent;
  const contexts = {
    train: createLabelContext(inputs, train),
    valid: createLabelContext(inputs, valid),
    test: createLabelContext(inputs, test),
  };
  return {
    periods: { train, valid, test },
    factors: factors.map(({ name, values }) => {
      checkSeries(`factor '${name}'`, values, inputs);
      return {
        name,
        train: scoreWithContext(values, contexts.train, options),
        valid: scoreWithContext(values, contexts.valid, options),
        test: scoreWithContext(values, contexts.test, options),
      };
    }),
  };
}

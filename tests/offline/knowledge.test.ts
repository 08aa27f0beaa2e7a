/**
 * The knowledge base is usable as it stands: every template of every family
 * compiles at every time scale, every hypothesis text is consistent (for the
 * judge) with every expression of its family, and what the builder writes
 * about it (description) is too.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENVIRONMENT } from '../../agents/offline/environment.js';
import { glossExpression } from '../../agents/offline/gloss.js';
import { instantiate } from '../../agents/offline/instantiate.js';
import { FAMILIES, GATE_STATES, SIGNALS, familiesOf, type BlockSlot } from '../../agents/offline/knowledge/index.js';
import { Rng } from '../../agents/offline/random.js';
import { verdict } from '../../agents/offline/verdict.js';
import { SPECIALISTS } from '../../agents/specialists/catalog.js';
import { compileFactor } from '../../operators/index.js';

describe('offline knowledge base', () => {
  it('covers every built-in specialist with several families, and names no unknown specialist', () => {
    const names = new Set(SPECIALISTS.map((s) => s.name));
    for (const specialist of SPECIALISTS) expect(familiesOf(specialist.name).length, specialist.name).toBeGreaterThanOrEqual(4);
    for (const family of FAMILIES) expect(names.has(family.specialist), family.id).toBe(true);
    expect(new Set(FAMILIES.map((f) => f.id)).size).toBe(FAMILIES.length);
    console.log(`[knowledge] ${FAMILIES.length} families, ${FAMILIES.reduce((n, f) => n + f.expressions.length, 0)} expression templates, ${FAMILIES.reduce((n, f) => n + f.hypotheses.length, 0)} hypothesis texts, ${SIGNALS.length} building blocks, ${GATE_STATES.length} gate states`);
  });

  it('instantiates every template of every family at every time scale, consistently with its texts', () => {
    let instances = 0;
    for (const family of FAMILIES) {
      for (const scale of family.scales) {
        for (let template = 0; template < family.expressions.length; template++) {
          for (let trial = 0; trial < 6; trial++) {
            const rng = Rng.keyed(family.id, scale, template, trial);
            const instance = instantiate(family, rng, DEFAULT_ENVIRONMENT, { scale, template });
            expect(instance, `${family.id} template ${template} at ${scale}`).not.toBeNull();
            const compiled = compileFactor(instance!.expression);
            expect(compiled.ok).toBe(true);
            const description = `${family.title}. ${glossExpression(instance!.ast)}`;
            const v = verdict(instance!.hypothesis, description, instance!.ast);
            expect(v.reasons, `${family.id}: "${instance!.hypothesis}" / ${instance!.expression}`).toEqual([]);
            expect(v.consistent && v.sound).toBe(true);
            instances++;
          }
        }
      }
    }
    expect(instances).toBeGreaterThan(1000);
  });

  it('fills block slots with every allowed block', () => {
    for (const family of FAMILIES.filter((f) => f.blocks !== undefined)) {
      for (const slot of Object.keys(family.blocks!) as BlockSlot[]) {
        const allowed = family.blocks![slot]!;
        const pool = allowed.length > 0 ? allowed : slot === 'G' ? GATE_STATES.map((g) => g.id) : SIGNALS.map((s) => s.id);
        for (const id of pool) {
          const block = slot === 'G' ? GATE_STATES.find((g) => g.id === id) : SIGNALS.find((s) => s.id === id);
          expect(block, `${family.id} ${slot} ${id}`).toBeDefined();
          const instance = instantiate(family, Rng.keyed(family.id, slot, id), DEFAULT_ENVIRONMENT, { blocks: { [slot]: block } });
          expect(instance, `${family.id} with ${slot}=${id}`).not.toBeNull();
          expect(verdict(instance!.hypothesis, family.title, instance!.ast).reasons, `${family.id} with ${slot}=${id}: ${instance!.hypothesis}`).toEqual([]);
        }
      }
    }
  });

  it('skips, rather than emits, templates needing a field the data lacks', () => {
    const noOpen = { fields: new Set(['high', 'low', 'close', 'volume']), limits: {} };
    const session = FAMILIES.find((f) => f.id === 'oi-session-pressure')!;
    expect(instantiate(session, new Rng(1), noOpen)).toBeNull();
  });
});

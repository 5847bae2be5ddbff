/**
 * The distinct label maps of a set of pods, each under an id, and an index from `key` and `key=value` to the maps
 * having them, so that a label selector is decided once per distinct map — and mostly without looking at a map at
 * all: pods of one ReplicaSet share one map, and a requirement is answered by the maps listed under its key.
 *
 * `evaluate` counts, per map, the requirements it is listed as passing (`in`, `=`, `==`, `exists`, `gt`, `lt`) and
 * marks the maps listed as failing (`notin`, `!=`, `!`): a map passes when it passes every positive requirement and
 * fails no negative one. This is `LabelSelector.matches` requirement by requirement (label-sets.spec.ts holds the two
 * equal): `in` needs the key with a listed value, `notin` fails only with a listed value (an absent key passes),
 * `exists`/`!` read the key alone, and `gt`/`lt` are evaluated by `matches` itself once per distinct value.
 */
import { LabelSelector } from '../common/kube/label-selector.js';
import { InternTable } from './intern-table.js';
import { Scratch } from './scratch.js';

type Labels = Readonly<Record<string, string>>;

const NO_LABELS: Labels = Object.freeze({});

export class LabelSets {
  private readonly table = new InternTable<Labels>();
  /** label key → label value → ids of the maps having it. */
  private readonly index = new Map<string, Map<string, Set<number>>>();
  private readonly scratch = new Scratch();

  /** Array length for verdicts indexed by id. */
  get capacity(): number {
    return this.table.capacity;
  }

  /** Distinct maps held. */
  get size(): number {
    return this.table.size;
  }

  /**
   * The id of the map equal to `labels` (one more holder). The first holder's object is kept, not copied: pod
   * objects from the cache are never changed in place (a change replaces the pod).
   */
  acquire(labels: Labels | undefined): number {
    const pairs = labels ? Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : [];
    const id = this.table.acquire(JSON.stringify(pairs), () => labels ?? NO_LABELS);
    if (this.table.holderCount(id) === 1) {
      for (const [key, value] of pairs) {
        let values = this.index.get(key);
        if (!values) this.index.set(key, (values = new Map<string, Set<number>>()));
        let ids = values.get(value);
        if (!ids) values.set(value, (ids = new Set()));
        ids.add(id);
      }
    }
    return id;
  }

  release(id: number): void {
    const labels = this.table.value(id);
    if (!this.table.release(id)) return;
    for (const [key, value] of Object.entries(labels)) {
      const values = this.index.get(key)!;
      const ids = values.get(value)!;
      ids.delete(id);
      if (ids.size === 0) values.delete(value);
      if (values.size === 0) this.index.delete(key);
    }
  }

  labels(id: number): Labels {
    return this.table.value(id);
  }

  /**
   * Per id (up to `capacity`), 1 when the map passes `selector`; 0 for ids not held. The array is reused by the next
   * call.
   */
  evaluate(selector: LabelSelector): Uint8Array {
    const size = this.table.capacity;
    const passed = this.scratch.uint16('passed', size);
    const failed = this.scratch.bytes('failed', size);
    let positives = 0;
    for (const requirement of selector.requirements) {
      const values = this.index.get(requirement.key);
      switch (requirement.operator) {
        case 'in':
        case '=':
        case '==':
          positives++;
          for (const value of requirement.values) values?.get(value)?.forEach((id) => passed[id]++);
          break;
        case 'notin':
        case '!=':
          for (const value of requirement.values) values?.get(value)?.forEach((id) => (failed[id] = 1));
          break;
        case 'exists':
          positives++;
          values?.forEach((ids) => ids.forEach((id) => passed[id]++));
          break;
        case '!':
          values?.forEach((ids) => ids.forEach((id) => (failed[id] = 1)));
          break;
        case 'gt':
        case 'lt': {
          positives++;
          const alone = new LabelSelector([requirement]);
          values?.forEach((ids, value) => {
            if (alone.matches({ [requirement.key]: value })) ids.forEach((id) => passed[id]++);
          });
          break;
        }
      }
    }
    const verdicts = this.scratch.bytes('verdicts', size);
    for (let id = 0; id < size; id++) {
      if (passed[id] === positives && failed[id] === 0 && this.table.isHeld(id)) verdicts[id] = 1;
    }
    return verdicts;
  }
}

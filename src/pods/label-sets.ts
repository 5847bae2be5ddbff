/**
 * Pods' label maps for label selectors: the distinct maps under ids (a pod index keeps one id per slot, and pods of
 * one ReplicaSet share a map), and posting lists of the slots having each `key=value` pair and each key — so that a
 * requirement's pods are read, and counted exactly, without looking at any other pod or map. Maps are often nearly
 * one per pod (a StatefulSet's `pod-name` label, generated hashes), so the lists are of slots, not of maps.
 *
 * For one requirement, the lists give its pods exactly: `in`, `=`, `==` the pairs of its values, `exists` the key,
 * `gt`/`lt` the pairs whose value passes (decided by `LabelSelector.matches` once per distinct value); `notin`, `!=`
 * and `!` fail exactly the slots those lists hold (an absent key passes `notin`/`!=`). A selector passes a slot when
 * every requirement does: `bySlot` counts, per slot, the positive requirements whose lists hold it and marks those
 * the negative ones fail; `matches` asks `LabelSelector.matches` about one map (label-sets.spec.ts holds them equal).
 */
import { LabelSelector, type LabelRequirement } from '../common/kube/label-selector.js';
import { InternTable } from './intern-table.js';
import { Postings } from './postings.js';
import { Scratch } from './scratch.js';

type Labels = Readonly<Record<string, string>>;

const NO_LABELS: Labels = Object.freeze({});

/** What the lists say about a selector without visiting a slot. */
export interface LabelCondition {
  /** Slots passing: exactly when `exact` (one requirement), else an upper bound. */
  pods: number;
  exact: boolean;
  /** Lists whose union holds every passing slot (the smallest positive requirement's); undefined without one. */
  candidates: Int32Array[] | undefined;
  /** For one requirement: its lists, holding exactly the passing slots, or exactly the failing ones (`negated`). */
  lists: Int32Array[];
  negated: boolean;
  /** Slots the lists of every requirement hold together (with repeats): the cost of `bySlot`. */
  listed: number;
}

export class LabelSets {
  private readonly table = new InternTable<Labels>();
  /** `key=value` → slots. */
  private readonly byPair = new Postings<string>();
  /** key → slots having it. */
  private readonly byKey = new Postings<string>();
  /** key → its values that some slot has. */
  private readonly values = new Map<string, Set<string>>();
  private readonly scratch = new Scratch();
  private slotCount = 0;

  /** Array length for arrays indexed by map id. */
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
    return this.table.acquire(JSON.stringify(pairs), () => labels ?? NO_LABELS);
  }

  /** One holder fewer; true when it was the last. */
  release(id: number): boolean {
    return this.table.release(id);
  }

  /** Lists `slot` under the pairs and keys of map `id` (a slot is listed under one map at a time). */
  list(id: number, slot: number): void {
    this.slotCount++;
    for (const [key, value] of Object.entries(this.table.value(id))) {
      const pair = pairOf(key, value);
      this.byPair.add(pair, slot);
      this.byKey.add(key, slot);
      if (this.byPair.count(pair) === 1) {
        let values = this.values.get(key);
        if (!values) this.values.set(key, (values = new Set()));
        values.add(value);
      }
    }
  }

  unlist(id: number, slot: number): void {
    this.slotCount--;
    for (const [key, value] of Object.entries(this.table.value(id))) {
      const pair = pairOf(key, value);
      this.byPair.remove(pair, slot);
      this.byKey.remove(key, slot);
      if (this.byPair.count(pair) === 0) {
        const values = this.values.get(key)!;
        values.delete(value);
        if (values.size === 0) this.values.delete(key);
      }
    }
  }

  labels(id: number): Labels {
    return this.table.value(id);
  }

  /** Whether map `id` passes `selector`. */
  matches(selector: LabelSelector, id: number): boolean {
    return selector.matches(this.table.value(id));
  }

  /** The selector's (not empty) pods as the lists give them, without visiting a slot. */
  condition(selector: LabelSelector): LabelCondition {
    const requirements = selector.requirements;
    let candidates: Int32Array[] | undefined;
    let pods = this.slotCount;
    let listed = 0;
    for (const requirement of requirements) {
      const lists = this.lists(requirement);
      const count = sizeOf(lists);
      listed += count;
      if (isPositive(requirement)) {
        if (!candidates || count < pods) [candidates, pods] = [lists, count];
      } else if (!candidates) {
        pods = Math.min(pods, this.slotCount - count);
      }
    }
    const single = requirements.length === 1;
    return {
      pods,
      exact: single,
      candidates,
      lists: single ? (candidates ?? this.lists(requirements[0])) : [],
      negated: single && !isPositive(requirements[0]),
      listed,
    };
  }

  /**
   * Per slot (`size` of them), 1 when it passes `selector`: a pass over the lists of its requirements. Slots that
   * hold no pod may read 1. The array is reused by the next call.
   */
  bySlot(selector: LabelSelector, size: number): Uint8Array {
    const verdicts = this.scratch.bytes('bySlot', size);
    const requirements = selector.requirements;
    const positives = requirements.filter(isPositive);
    if (positives.length === 0) {
      verdicts.fill(1);
      for (const requirement of requirements) for (const list of this.lists(requirement)) mark(list, verdicts, 0);
      return verdicts;
    }
    const counts = this.scratch.uint16('counts', size);
    for (const requirement of positives) for (const list of this.lists(requirement)) count(list, counts);
    for (const requirement of requirements) {
      if (!isPositive(requirement)) for (const list of this.lists(requirement)) fail(list, counts);
    }
    for (const list of this.lists(positives[0])) passing(list, counts, positives.length, verdicts);
    return verdicts;
  }

  /**
   * The lists of a requirement, each slot in at most one: for `in`/`=`/`notin`/`!=` its values' pairs, for
   * `gt`/`lt` the pairs whose value passes it, for `exists`/`!` the key's.
   */
  private lists(requirement: LabelRequirement): Int32Array[] {
    const { key, operator, values } = requirement;
    switch (operator) {
      case 'in':
      case '=':
      case '==':
      case 'notin':
      case '!=':
        return values.map((value) => this.byPair.get(pairOf(key, value)));
      case 'exists':
      case '!':
        return [this.byKey.get(key)];
      case 'gt':
      case 'lt': {
        const alone = new LabelSelector([requirement]);
        const lists: Int32Array[] = [];
        for (const value of this.values.get(key) ?? []) {
          if (alone.matches({ [key]: value })) lists.push(this.byPair.get(pairOf(key, value)));
        }
        return lists;
      }
    }
  }
}

// A label key holds no "=" (names.ts: qualified names), so the pair text is unambiguous.
function pairOf(key: string, value: string): string {
  return `${key}=${value}`;
}

function isPositive({ operator }: LabelRequirement): boolean {
  return operator !== 'notin' && operator !== '!=' && operator !== '!';
}

function sizeOf(lists: Int32Array[]): number {
  let size = 0;
  for (const list of lists) size += list.length;
  return size;
}

function mark(list: Int32Array, verdicts: Uint8Array, value: number): void {
  for (let i = 0; i < list.length; i++) verdicts[list[i]] = value;
}

function count(list: Int32Array, counts: Uint16Array): void {
  for (let i = 0; i < list.length; i++) counts[list[i]]++;
}

// Above any number of positive requirements a selector can have.
const FAILED = 0xffff;

function fail(list: Int32Array, counts: Uint16Array): void {
  for (let i = 0; i < list.length; i++) counts[list[i]] = FAILED;
}

/** Marks the slots of `list` that every positive requirement lists (and no negative one fails). */
function passing(list: Int32Array, counts: Uint16Array, positives: number, verdicts: Uint8Array): void {
  for (let i = 0; i < list.length; i++) if (counts[list[i]] === positives) verdicts[list[i]] = 1;
}

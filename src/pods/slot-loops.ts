import type { TextCandidates, TrigramIndex } from './trigram-index.js';

/**
 * The index's inner loops over slots (pod-index.ts): marking, gathering, narrowing and counting through typed arrays.
 *
 * Hot loops live in small functions of their own that return a number: a loop inside a larger method gets compiled
 * on the stack (OSR) before the code after it has run, and that code then deoptimizes on every call. They are
 * branch-free where the data decides (a mark is OR-ed in; a kept slot is always written and the count advanced by
 * 0 or 1): a branch taken at random costs ~6 ns a slot in mispredictions, the same loop without it ~1.5.
 */
export function setBits(slots: Int32Array, bits: Uint32Array): void {
  for (let i = 0; i < slots.length; i++) bits[slots[i] >>> 5] |= 1 << (slots[i] & 31);
}

export function clearBits(slots: Int32Array, bits: Uint32Array): void {
  for (let i = 0; i < slots.length; i++) bits[slots[i] >>> 5] &= ~(1 << (slots[i] & 31));
}

export function gatherLive(live: Uint8Array, slotCount: number, into: Int32Array): number {
  let count = 0;
  for (let slot = 0; slot < slotCount; slot++) {
    into[count] = slot;
    count += live[slot];
  }
  return count;
}

export function gather(list: Int32Array, into: Int32Array, count: number): number {
  into.set(list, count);
  return count + list.length;
}

/** Appends the slots of `list` not `seen` yet, marking them. */
export function gatherOnce(list: Int32Array, seen: Uint8Array, into: Int32Array, count: number): number {
  for (let i = 0; i < list.length; i++) {
    const slot = list[i];
    if (seen[slot] === 1) continue;
    seen[slot] = 1;
    into[count++] = slot;
  }
  return count;
}

/** Marks the slots (below `count`) whose class mask has bit `shift` set in `word`. */
export function markByMask(masks: Uint32Array, word: number, shift: number, count: number, marks: Uint8Array): void {
  for (let slot = 0; slot < count; slot++) marks[slot] |= (masks[2 * slot + word] >>> shift) & 1;
}

/** Marks the slots (below `count`) whose `column` entry passes in `byId` (0 or 1 by id). */
export function markPassing(column: Int32Array, byId: Uint8Array, count: number, marks: Uint8Array): void {
  for (let slot = 0; slot < count; slot++) marks[slot] |= byId[column[slot]];
}

/** Marks the candidates whose text holds `needle` (all of them when the candidates are exact). */
export function markContaining(
  grams: TrigramIndex,
  { ids, exact }: TextCandidates,
  needle: string,
  marks: Uint8Array,
): void {
  for (let i = 0; i < ids.length; i++) if (exact || grams.contains(ids[i], needle)) marks[ids[i]] = 1;
}

export interface Columns {
  namespaceOf: Int32Array;
  nodeOf: Int32Array;
  statusOf: Int32Array;
}

/** The facet filters as 0/1 by id: whether each namespace, status and node passes its own filter. */
export interface FacetPasses {
  namespaces: Uint8Array;
  statuses: Uint8Array;
  nodes: Uint8Array;
}

/**
 * Adds `delta` for each slot in each facet whose other two filters it passes (into the arrays given, each long
 * enough for every id; a facet not counted gets a throw-away array); returns how many pass all three. Every slot
 * writes all three counts, by 0 or `delta`: no branch on the data.
 */
export function tallySlots(
  slots: Int32Array,
  { namespaceOf, nodeOf, statusOf }: Columns,
  passes: FacetPasses,
  into: { status: Int32Array; namespace: Int32Array; node: Int32Array },
  delta: number,
): number {
  const namespaceOk = passes.namespaces;
  const statusOk = passes.statuses;
  const nodeOk = passes.nodes;
  const byStatus = into.status;
  const byNamespace = into.namespace;
  const byNode = into.node;
  let total = 0;
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i];
    const status = statusOf[slot];
    const namespace = namespaceOf[slot];
    const node = nodeOf[slot];
    const inNamespace = namespaceOk[namespace];
    const inStatus = statusOk[status];
    const onNode = nodeOk[node];
    byStatus[status] += (inNamespace & onNode) * delta;
    byNamespace[namespace] += (inStatus & onNode) * delta;
    byNode[node] += (inNamespace & inStatus) * delta;
    total += inNamespace & inStatus & onNode;
  }
  return total;
}

/** Keeps, in place, the slots whose `column` entry is `id`; returns how many. */
export function keepEqual(slots: Int32Array, count: number, column: Int32Array, id: number): number {
  let kept = 0;
  for (let i = 0; i < count; i++) {
    const slot = slots[i];
    slots[kept] = slot;
    kept += column[slot] === id ? 1 : 0;
  }
  return kept;
}

/** Keeps the slots whose `column` entry passes in `byId`. */
export function keepPassing(slots: Int32Array, count: number, column: Int32Array, byId: Uint8Array): number {
  let kept = 0;
  for (let i = 0; i < count; i++) {
    const slot = slots[i];
    slots[kept] = slot;
    kept += byId[column[slot]];
  }
  return kept;
}

/** Keeps the slots marked 1 in `marks`. */
export function keepMarked(slots: Int32Array, count: number, marks: Uint8Array): number {
  let kept = 0;
  for (let i = 0; i < count; i++) {
    const slot = slots[i];
    slots[kept] = slot;
    kept += marks[slot];
  }
  return kept;
}

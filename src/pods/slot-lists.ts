/**
 * Posting lists of one interned dimension (namespace, node, status…): for each id, the slots holding it, so that a
 * filter on that value reads its own pods instead of every slot. A slot holds one id of a dimension at a time, so
 * its place in its list is one number per slot: adding appends, removing moves the list's last slot into the gap
 * (O(1) both). Lists are unordered.
 */
const NO_SLOTS = new Int32Array(0);

export class SlotLists {
  private lists: Int32Array[] = [];
  private lengths = new Int32Array(0);
  /** Per slot, its index in the list of its id. */
  private positions = new Int32Array(0);

  add(id: number, slot: number): void {
    if (slot >= this.positions.length) this.positions = grown(this.positions, slot + 1);
    if (id >= this.lengths.length) this.lengths = grown(this.lengths, id + 1);
    let list = this.lists[id];
    const length = this.lengths[id];
    if (!list || length === list.length) {
      const next = new Int32Array(Math.max(4, Math.ceil(length * 1.5)));
      if (list) next.set(list);
      this.lists[id] = list = next;
    }
    list[length] = slot;
    this.positions[slot] = length;
    this.lengths[id] = length + 1;
  }

  remove(id: number, slot: number): void {
    const list = this.lists[id];
    const at = this.positions[slot];
    const last = list[--this.lengths[id]];
    if (last !== slot) {
      list[at] = last;
      this.positions[last] = at;
    }
  }

  /** The slots holding `id`, in no particular order: a view valid until the next change. */
  slots(id: number): Int32Array {
    const list = this.lists[id];
    return list ? list.subarray(0, this.lengths[id]) : NO_SLOTS;
  }

  size(id: number): number {
    return id < this.lengths.length ? this.lengths[id] : 0;
  }
}

function grown(array: Int32Array, atLeast: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(Math.max(1024, 2 * array.length, atLeast));
  next.set(array);
  return next;
}

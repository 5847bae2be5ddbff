import { SlotLists } from './slot-lists.js';

describe(SlotLists.name, () => {
  it('lists the slots of each id, moving a slot from one id to another', () => {
    const lists = new SlotLists();
    for (let slot = 0; slot < 2000; slot++) lists.add(slot % 3, slot); // grows lists and positions
    for (let slot = 0; slot < 2000; slot += 2) lists.remove(slot % 3, slot);
    lists.remove(0, 3);
    lists.add(5000, 3);
    const sorted = (id: number) => [...lists.slots(id)].sort((a, b) => a - b);
    expect(sorted(0)).toEqual(
      Array.from({ length: 2000 }, (_, slot) => slot).filter((s) => s % 2 === 1 && s % 3 === 0 && s !== 3),
    );
    expect(sorted(5000)).toEqual([3]);
    const ones = Array.from({ length: 2000 }, (_, slot) => slot).filter((s) => s % 2 === 1 && s % 3 === 1).length;
    expect([lists.size(1), lists.size(7), lists.size(99_999), lists.slots(42).length]).toEqual([ones, 0, 0, 0]);
  });
});

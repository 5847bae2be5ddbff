import { StreamSlots } from './stream-slots.js';

describe(StreamSlots.name, () => {
  it('gives out places up to its capacity, then none until one is given back', () => {
    const slots = new StreamSlots(2);
    const first = slots.take();
    expect(first).toEqual(expect.any(Function));
    expect(slots.take()).toEqual(expect.any(Function));
    expect(slots.take()).toBeUndefined();
    first!();
    expect(slots.take()).toEqual(expect.any(Function));
    expect(slots.take()).toBeUndefined();
  });

  it('counts a place given back twice once', () => {
    const slots = new StreamSlots(2);
    const release = slots.take()!;
    slots.take();
    release();
    release();
    expect(slots.take()).toEqual(expect.any(Function));
    expect(slots.take()).toBeUndefined();
  });
});

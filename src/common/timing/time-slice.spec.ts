import { TimeSlice } from './time-slice.js';

describe('TimeSlice', () => {
  it('is over once its time has run, and starts a new slice after yielding', async () => {
    const slice = new TimeSlice(5);
    expect(slice.over()).toBe(false);
    const until = performance.now() + 6;
    while (performance.now() < until); // busy, as the work it slices
    expect(slice.over()).toBe(true);
    await slice.yield();
    expect(slice.over()).toBe(false);
  });

  it('lets I/O and immediate callbacks queued before it run while it yields', async () => {
    const slice = new TimeSlice(0);
    let ran = false;
    setImmediate(() => (ran = true));
    await slice.yield();
    expect(ran).toBe(true);
  });
});

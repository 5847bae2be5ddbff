import { TimerQueue } from './timer-queue.js';

describe(TimerQueue.name, () => {
  let now = 0;
  let queue: TimerQueue;

  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    now = 0;
    queue = new TimerQueue(() => now);
  });
  afterEach(() => {
    queue.stop();
    jest.useRealTimers();
  });

  function advance(ms: number): void {
    now += ms;
    jest.advanceTimersByTime(ms);
  }

  it('runs actions in due order behind one Node timer', () => {
    const ran: string[] = [];
    queue.schedule(30, () => ran.push('c'));
    queue.schedule(10, () => ran.push('a'));
    queue.schedule(20, () => ran.push('b'));
    expect(jest.getTimerCount()).toBe(1);
    advance(15);
    expect(ran).toEqual(['a']);
    advance(20);
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(queue.size).toBe(0);
  });

  it('skips cancelled actions', () => {
    const ran: string[] = [];
    const handle = queue.schedule(10, () => ran.push('cancelled'));
    queue.schedule(10, () => ran.push('kept'));
    queue.cancel(handle);
    advance(10);
    expect(ran).toEqual(['kept']);
  });

  it('runs an action scheduled by an action on a later turn', () => {
    const ran: string[] = [];
    queue.schedule(10, () => {
      ran.push('first');
      queue.schedule(0, () => ran.push('second'));
    });
    advance(10);
    expect(ran).toEqual(['first']);
    advance(1);
    expect(ran).toEqual(['first', 'second']);
  });

  it('reports a failing action and runs the others', () => {
    const errors: unknown[] = [];
    const reporting = new TimerQueue(
      () => now,
      (error) => errors.push(error),
    );
    const ran: string[] = [];
    reporting.schedule(5, () => {
      throw new Error('broken');
    });
    reporting.schedule(5, () => ran.push('next'));
    advance(5);
    expect(ran).toEqual(['next']);
    expect(errors).toEqual([new Error('broken')]);
    reporting.stop();
  });

  it('clears everything on stop', () => {
    const ran: string[] = [];
    queue.schedule(10, () => ran.push('never'));
    queue.stop();
    advance(20);
    expect(ran).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });
});

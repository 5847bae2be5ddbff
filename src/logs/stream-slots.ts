/**
 * A fixed number of places, taken and given back: the log streams the service holds open at once (LOGS_MAX_STREAMS).
 * `take()` answers the function that gives the place back (once, however often it is called), or `undefined` when
 * every place is taken.
 */
export class StreamSlots {
  private taken = 0;

  constructor(readonly capacity: number) {}

  take(): (() => void) | undefined {
    if (this.taken >= this.capacity) return undefined;
    this.taken++;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.taken--;
    };
  }
}

import type { Duplex } from 'node:stream';

/**
 * Holds a socket's writes to the end of the current event-loop turn, so that the frames written in one turn leave in
 * one system call. ws writes each frame on its own (a `writev` per message), which for a stream of small messages —
 * one per log line — costs far more than making them.
 */
export class TurnCork {
  private held = false;

  constructor(private readonly socket: Duplex) {}

  /** Corks the socket unless it is already held for this turn; it is uncorked once the turn's I/O callbacks ran. */
  hold(): void {
    if (this.held || this.socket.destroyed) return;
    this.held = true;
    this.socket.cork();
    setImmediate(() => {
      this.held = false;
      this.socket.uncork();
    });
  }
}

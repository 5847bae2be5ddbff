import type { OnModuleDestroy } from '@nestjs/common';

/** A terminal as the service-wide list of them sees it. */
export interface OpenTerminal {
  /** Ends the terminal because the service stops; resolves once its audit record is complete. */
  stopForShutdown(): Promise<void>;
}

/**
 * The terminals open in this service: at most `capacity` at once (EXEC_MAX_SESSIONS), each ended, and its audit
 * record completed, before the service stops (its cluster connections and the audit store go after it).
 */
export class TerminalSessions implements OnModuleDestroy {
  private readonly open = new Set<OpenTerminal>();

  constructor(readonly capacity: number) {}

  /**
   * Counts the terminal in while fewer than `capacity` are open: answers the function that lets it go (once, however
   * often it is called), or `undefined` when every place is taken.
   */
  admit(terminal: OpenTerminal): (() => void) | undefined {
    if (this.open.size >= this.capacity) return undefined;
    this.open.add(terminal);
    return () => this.open.delete(terminal);
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.open].map((terminal) => terminal.stopForShutdown()));
  }
}

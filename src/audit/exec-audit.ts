/*
 * What the exec module tells the audit log about each terminal session (api.md §5: "every session is audited: who,
 * when, cluster/namespace/pod/container, command, duration, exit code, bytes each way"), and the recording that
 * goes with it when EXEC_RECORDING=on. The exec session calls these; the audit module stores them.
 */

export interface ExecSessionStart {
  /** The id of the upgrade request that opened the session. */
  requestId: string;
  /** Who opened it, as `callerName` names an identity: `user:alice`, `token:portal`, `anonymous`. */
  caller: string;
  clusterId: string;
  namespace: string;
  pod: string;
  container: string;
  /** The program and its arguments, as run. */
  argv: string[];
  startedAt: Date;
}

/** How a session ended. */
export const EXEC_SESSION_OUTCOMES = [
  /** The process exited (`exitCode` says how). */
  'exited',
  /** The client closed the socket, or vanished (the heartbeat dropped it). */
  'client-closed',
  /** No input or output for EXEC_IDLE_TIMEOUT_SECONDS. */
  'idle-timeout',
  /** EXEC_MAX_SESSION_SECONDS reached. */
  'max-duration',
  /** The cluster refused the process (not found, forbidden, container not running) or the connection broke. */
  'upstream-failed',
  /** The cluster was removed from the service. */
  'cluster-removed',
  /** The service stopped. */
  'service-stopping',
] as const;
export type ExecSessionOutcome = (typeof EXEC_SESSION_OUTCOMES)[number];

export interface ExecSessionEnd {
  endedAt: Date;
  outcome: ExecSessionOutcome;
  /** The process's exit code when it exited (`exited`), else null. */
  exitCode: number | null;
  /** Bytes the client typed (stdin) and the process wrote (output). */
  bytesIn: number;
  bytesOut: number;
  /** Why, for an outcome other than `exited` (an error's message; never input or output). */
  detail?: string;
}

/**
 * One session's audit record and, when recording is on, its recording (asciicast v2). The terminal events are
 * cheap and never throw (a recording that cannot be written is logged once, and the session goes on).
 */
export interface ExecSessionAudit {
  /** The terminal's size changed; the first one gives the recording's width and height. */
  resized(cols: number, rows: number): void;
  /** What the process wrote, as the client was sent it. */
  output(data: string): void;
  /** What the client typed (recorded only with EXEC_RECORD_INPUT=on). */
  input(data: string): void;
  /** Completes the record (and closes the recording); resolves once stored. Harmless to call twice. */
  end(end: ExecSessionEnd): Promise<void>;
}

/** The audit log's side of terminal sessions: writes a session's start to the store at once. */
export abstract class ExecAudit {
  abstract start(start: ExecSessionStart): Promise<ExecSessionAudit>;
}

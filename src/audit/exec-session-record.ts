import type { ExecSessionEnd, ExecSessionOutcome, ExecSessionStart } from './exec-audit.js';

/** A terminal session as the audit log keeps it; the end fields are null while it runs (or if its end never came). */
export interface ExecSessionRecord {
  id: string;
  requestId: string;
  caller: string;
  clusterId: string;
  namespace: string;
  pod: string;
  container: string;
  argv: string[];
  /** RFC 3339 UTC, milliseconds (`2026-01-01T00:00:00.000Z`). */
  startedAt: string;
  endedAt: string | null;
  outcome: ExecSessionOutcome | null;
  exitCode: number | null;
  bytesIn: number | null;
  bytesOut: number | null;
  detail: string | null;
  /** The recording's key in the RecordingStore, when there is one. */
  recording: string | null;
  /** Why the recording is missing or incomplete, when it is. */
  recordingError: string | null;
}

/** What is stored when a session opens. */
export interface NewExecSession extends ExecSessionStart {
  id: string;
  /** The key its recording will be written under, when recording is on. */
  recording: string | null;
}

/** What is stored when a session ends, the recording's fate included. */
export interface ExecSessionCompletion extends ExecSessionEnd {
  recording: string | null;
  recordingError: string | null;
}

/** The list's filters: exact cluster, namespace and pod; sessions started at or after `since` and before `until`. */
export interface ExecSessionFilter {
  clusterId?: string;
  namespace?: string;
  pod?: string;
  /** RFC 3339, any offset. */
  since?: string;
  until?: string;
}

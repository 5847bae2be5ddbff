/*
 * The audit log of actions and refusals (api.md §6: "every delete, exec session and cluster change is written to the
 * audit log"; issue 19 adds denied requests): what is recorded, and the words it is recorded with.
 */

export const AUDIT_ACTIONS = [
  /** `DELETE …/pods/:name`. */
  'pod.delete',
  /** `POST /api/clusters`. */
  'cluster.register',
  /** `PUT /api/clusters/:clusterId`. */
  'cluster.update',
  /** `DELETE /api/clusters/:clusterId`. */
  'cluster.unregister',
  /** A terminal opened (its record with the same id: `GET /api/audit/sessions`). */
  'exec.session',
  /** A request or WebSocket upgrade refused because the caller lacks the role it needs (403). */
  'access.denied',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_OUTCOMES = [
  /** The action was taken (a terminal: it ran and ended other than by a failure of the cluster). */
  'succeeded',
  /** The action was tried and failed (`status`, `reason` and `detail` say how). */
  'failed',
  /** The caller was refused before anything was tried. */
  'denied',
] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** What an action or refusal reached. */
export interface AuditTarget {
  clusterId?: string;
  namespace?: string;
  /** The pod. */
  name?: string;
}

/** An action as it begins (or a refusal): who, what, where, through which request. */
export interface AuditEventStart {
  action: AuditAction;
  /** As `callerName` names an identity: `user:alice`, `token:portal`, `anonymous`. */
  caller: string;
  target: AuditTarget;
  /** `DELETE /api/clusters/…`, `WS /ws/clusters/…`: the method and path, never a query string (it may carry a token). */
  request: string;
  requestId: string;
  at: Date;
}

/** How it ended. */
export interface AuditEventEnd {
  outcome: AuditOutcome;
  /** The HTTP status of a failure or refusal. */
  status?: number;
  reason?: string;
  detail?: string;
  /** A target learnt only from the answer (a registered cluster's id). */
  clusterId?: string;
}

/** An entry as the log keeps it; the end fields are null while the action runs, or when its end never came. */
export interface AuditEventRecord {
  id: string;
  /** RFC 3339 UTC, milliseconds. */
  at: string;
  requestId: string;
  caller: string;
  action: AuditAction;
  clusterId: string | null;
  namespace: string | null;
  name: string | null;
  request: string;
  outcome: AuditOutcome | null;
  status: number | null;
  reason: string | null;
  detail: string | null;
}

/** The list's filters: exact cluster, action, caller and outcome; entries at or after `since` and before `until`. */
export interface AuditEventFilter {
  clusterId?: string;
  action?: AuditAction;
  caller?: string;
  outcome?: AuditOutcome;
  /** RFC 3339, any offset. */
  since?: string;
  until?: string;
}

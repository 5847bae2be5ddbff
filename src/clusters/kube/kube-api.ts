import type { Readable } from 'node:stream';
import type { ApiError } from '../../common/errors/api-error.js';
import type {
  KubeCoreEvent,
  KubeList,
  KubeNamespace,
  KubePod,
  KubeWatchEvent,
} from '../../common/kube/kube-objects.js';

/** List options as the API server takes them; selectors in Kubernetes syntax. */
export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continueToken?: string;
  /** `"0"` lets the API server answer from its watch cache. */
  resourceVersion?: string;
  /** How `resourceVersion` is read; `NotOlderThan` fails with `ResourceVersionTooLargeError` past the server's state. */
  resourceVersionMatch?: 'NotOlderThan' | 'Exact';
}

export interface PodListOptions extends ListOptions {
  namespace?: string;
}

/** `GET pods/{name}/log` options, as the API server takes them (PodLogOptions). */
export interface PodLogOptions {
  container: string;
  follow?: boolean;
  previous?: boolean;
  sinceSeconds?: number;
  /** RFC 3339. */
  sinceTime?: string;
  tailLines?: number;
  timestamps?: boolean;
  limitBytes?: number;
}

/** What to run in a container (`pods/exec`, PodExecOptions): always with stdin and a TTY, as a terminal is. */
export interface ExecOptions {
  container: string;
  /** The program and its arguments, as they are: nothing is run through a shell that the service adds. */
  command: string[];
}

/** How a process run through `pods/exec` ended, from the API server's final Status (channel 3). */
export type ExecExit =
  /**
   * The process exited with this code (`Success` → 0, `NonZeroExitCode` → its `ExitCode` cause: 127 for a shell's
   * unknown command, 130 for ^C, 137 when its container or pod was killed).
   */
  | { kind: 'exited'; code: number }
  /**
   * The session could not go on: 409 `Conflict` the container is not running (the runtime's refusal after the
   * upgrade), 400 `BadRequest` the runtime could not start the program (it gives no exit code for that: `exec:
   * "x": executable file not found in $PATH`), 502 `ClusterUnreachable` the connection broke or ended without a
   * status, or `close()` hung up first.
   */
  | { kind: 'failed'; error: ApiError };

/**
 * A process running in a container with a TTY, as the service sees it: the remote command protocol (channels,
 * v5 / v4) stays inside the adapter.
 */
export interface ExecChannel {
  /** The subprotocol the API server chose: `v5.channel.k8s.io`, or `v4.channel.k8s.io` from an older server. */
  readonly protocol: string;
  /**
   * What the process writes to its terminal, as bytes (a character may be split across chunks), pulled: while more
   * than 64 KiB wait unread the upstream socket is paused, so a reader that stops stops the process's output
   * instead of filling memory. It ends when the process has ended, or at `close()`. Destroying it (or leaving a
   * `for await` early) closes the channel.
   */
  readonly output: Readable;
  /**
   * Resolves once, never rejects: with how the process ended, once the connection has ended and `output` has been
   * read to its end (so nothing printed before the end is still unread); or soon after `close()`.
   */
  readonly exited: Promise<ExecExit>;
  /**
   * Sends bytes to the process's stdin; false when more than 64 KiB are unsent (wait for `drained`). Input after
   * the process ended is dropped (and answers true).
   */
  write(input: Buffer): boolean;
  /** Resolves when the upstream socket has room again after `write` answered false, or the connection ended. */
  drained(): Promise<void>;
  /** The terminal's new size, on the resize channel (ignored once the connection has ended). */
  resize(cols: number, rows: number): void;
  /**
   * Ends the session: closes the upstream socket (the process gets a hangup) and ends `output`; the connection is
   * dropped if the server does not answer the close. Harmless to call twice.
   */
  close(): void;
}

/**
 * Kubernetes user impersonation (`kubectl --as --as-group`): the user and groups a request acts for, as the header
 * values Node's http writes (one byte per character: a name's UTF-8 bytes, as client-go sends them). Built only by
 * `impersonationHeaders()`, which refuses what a header could not carry faithfully.
 */
export interface ImpersonationHeaders {
  'Impersonate-User': string;
  /** One header line per group; absent for none. */
  'Impersonate-Group'?: string[];
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
}

export interface ClusterVersion {
  gitVersion: string;
  major?: string;
  minor?: string;
  platform?: string;
}

/** A count that may be known exactly (a full list) or only as the API server's estimate (`remainingItemCount`). */
export interface ObjectCount {
  count: number;
}

export type PodWatchEvent = KubeWatchEvent<KubePod>;

/** A watch that cannot resume from the resourceVersion it was given (410 Gone): the caller must list again. */
export class WatchExpiredError extends Error {
  constructor(message = 'the watch resourceVersion is too old') {
    super(message);
    this.name = 'WatchExpiredError';
  }
}

/**
 * The API server's state is older than the resourceVersion asked for (504 with cause `ResourceVersionTooLarge`):
 * its state was reset, as by a restore or a new cluster at the same address. The caller must list again, from the
 * server's current state.
 */
export class ResourceVersionTooLargeError extends Error {
  constructor(message = "the resourceVersion is newer than the cluster's state") {
    super(message);
    this.name = 'ResourceVersionTooLargeError';
  }
}

/**
 * Everything the service asks of one cluster, in the project's own types (Kubernetes JSON, never client-node
 * classes). Every method fails with `ApiError` (a Kubernetes `Status` or a transport failure, already mapped).
 * `signal` cancels a call; the adapter applies its own deadline to everything but watches and streams.
 */
export interface KubeApi {
  /** `GET /version`. */
  version(signal?: AbortSignal): Promise<ClusterVersion>;
  /** Nodes in the cluster. */
  countNodes(signal?: AbortSignal): Promise<ObjectCount>;
  /** Pods in the cluster, without listing them all (`limit=1` and `remainingItemCount` when the server gives it). */
  countPods(signal?: AbortSignal): Promise<ObjectCount>;
  /** Rejects with `ResourceVersionTooLargeError` when a `resourceVersion` asked for is past the server's state. */
  listPods(options: PodListOptions, signal?: AbortSignal): Promise<KubeList<KubePod>>;
  readPod(namespace: string, name: string, signal?: AbortSignal): Promise<KubePod>;
  deletePod(namespace: string, name: string, options: DeleteOptions, signal?: AbortSignal): Promise<void>;
  /**
   * A container's log, as the bytes the kubelet sends: resolves once the server has answered 2xx (the request
   * timeout covers only that wait, not the body, which a download or `follow` may take long to read); rejects with
   * `ApiError` carrying the server's message otherwise. The body is pulled (reading it slowly slows the server), fails
   * with `ApiError` when the connection breaks, and destroying it or aborting `signal` ends the request.
   */
  readPodLog(namespace: string, name: string, options: PodLogOptions, signal: AbortSignal): Promise<Readable>;
  /**
   * Starts a process in a container over the exec subresource (WebSocket, `v5.channel.k8s.io` preferred, else
   * `v4.channel.k8s.io`), with stdin and a TTY, with the cluster's credentials and TLS. Resolves once the upgrade
   * is done; rejects with `ApiError` when the API server refuses it: 404 `NotFound` (pod, or container of the pod),
   * 403 `Forbidden` (RBAC), 409 `Conflict` (container not running, as an API server before 1.30 says it; a pod on
   * no node), 400 …; 502/504 when the cluster cannot be reached or does not answer within the request timeout.
   * A refusal the runtime sends after the upgrade (container not running, a program it cannot start) arrives as
   * `exited` failing. `signal` aborts the opening; once open, `close()` ends the session. `close()` of this
   * KubeApi closes its open channels.
   */
  openExec(namespace: string, name: string, options: ExecOptions, signal: AbortSignal): Promise<ExecChannel>;
  /**
   * Watches pods from `resourceVersion` (with bookmarks), calling `onOpen` once the server accepted the watch and
   * `onEvent` for each event in order. Resolves when the server ends the watch normally; rejects with
   * `WatchExpiredError` on 410 Gone, `ResourceVersionTooLargeError` when the server's state is older than
   * `resourceVersion`, and `ApiError` otherwise (502 ClusterUnreachable for an event over the size cap).
   */
  watchPods(
    resourceVersion: string,
    onEvent: (event: PodWatchEvent) => void,
    signal: AbortSignal,
    onOpen?: () => void,
  ): Promise<void>;
  listNamespaces(options: ListOptions, signal?: AbortSignal): Promise<KubeList<KubeNamespace>>;
  /** core/v1 events of a namespace. */
  listCoreEvents(namespace: string, options: ListOptions, signal?: AbortSignal): Promise<KubeList<KubeCoreEvent>>;
  /**
   * A view of this API whose every request (exec included) carries `headers`, so that the cluster authorizes it as the
   * user and groups named there, by its own RBAC; the service's credentials then only have to allow impersonating
   * them. The view shares this API's connections and lifetime: closing this API ends the view's requests too.
   */
  impersonating(headers: ImpersonationHeaders): KubeApi;
  /** Releases connections; in-flight calls fail. */
  close(): void;
}

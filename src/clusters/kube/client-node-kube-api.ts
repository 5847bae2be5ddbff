import type { Agent, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { RequestOptions } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { Injectable, Logger } from '@nestjs/common';
import { ApiError } from '../../common/errors/api-error.js';
import {
  apiErrorFromStatus,
  apiErrorFromTransportFailure,
  parseKubeStatus,
  type KubeTarget,
} from '../../common/errors/kube-status.js';
import type { KubeCoreEvent, KubeList, KubeNamespace, KubePod, KubeStatus } from '../../common/kube/kube-objects.js';
import type { ClusterAccess } from './cluster-access.js';
import {
  ResourceVersionTooLargeError,
  WatchExpiredError,
  type ClusterVersion,
  type DeleteOptions,
  type KubeApi,
  type ListOptions,
  type ObjectCount,
  type PodListOptions,
  type PodLogOptions,
  type ExecChannel,
  type ExecOptions,
  type PodWatchEvent,
  type ImpersonationHeaders,
} from './kube-api.js';
import { connectExecChannel } from './exec-channel.js';
import { KubeApiFactory, type KubeApiSettings } from './kube-api.factory.js';
import {
  formatBytes,
  jsonLines,
  readBody,
  readBodyPrefix,
  ResponseTooLargeError,
  sendKubeRequest,
} from './kube-http.js';
import { loadKubeconfig } from './kubeconfig.js';

const ERROR_BODY_LIMIT = 64 * 1024;

type Query = Record<string, string | number | boolean | undefined>;

const USER_AGENT = 'pod-api';

interface Credentials {
  headers: OutgoingHttpHeaders;
  agent?: Agent;
  auth?: string;
}

/**
 * The KubeApi port over a real API server. client-node supplies what it is good at — kubeconfig semantics,
 * credentials (tokens, client certificates, exec and auth-provider plugins) and TLS agents — and the requests
 * themselves are plain HTTP(S) with JSON bodies: the pod cache wants Kubernetes JSON, not client-node's class
 * instances with Date fields, and errors, deadlines and cancellation stay in our hands.
 */
export class ClientNodeKubeApi implements KubeApi {
  private readonly logger = new Logger(ClientNodeKubeApi.name);
  private readonly server: URL;

  constructor(
    private readonly config: KubeConfig,
    private readonly settings: KubeApiSettings,
    /** Aborted by `close()`; shared with the impersonating views, whose requests end with this API's. */
    private readonly closed = new AbortController(),
    /** Sent with every request, after the credentials' own headers (a kubeconfig's `as:` included), which it replaces. */
    private readonly impersonation?: ImpersonationHeaders,
  ) {
    const cluster = config.getCurrentCluster();
    if (!cluster) throw ApiError.badRequest('the kubeconfig context names no cluster');
    this.server = new URL(cluster.server.endsWith('/') ? cluster.server : `${cluster.server}/`);
  }

  version(signal?: AbortSignal): Promise<ClusterVersion> {
    return this.getJson<ClusterVersion>('version', {}, { kind: 'version' }, signal);
  }

  async countNodes(signal?: AbortSignal): Promise<ObjectCount> {
    return countOf(await this.getJson<KubeList<unknown>>('api/v1/nodes', { limit: 1 }, { kind: 'nodes' }, signal));
  }

  async countPods(signal?: AbortSignal): Promise<ObjectCount> {
    return countOf(await this.getJson<KubeList<unknown>>('api/v1/pods', { limit: 1 }, { kind: 'pods' }, signal));
  }

  listPods(options: PodListOptions, signal?: AbortSignal): Promise<KubeList<KubePod>> {
    const path = options.namespace ? `api/v1/namespaces/${encodeURIComponent(options.namespace)}/pods` : 'api/v1/pods';
    return this.getJson(path, listQuery(options), { kind: 'pods', namespace: options.namespace }, signal);
  }

  readPod(namespace: string, name: string, signal?: AbortSignal): Promise<KubePod> {
    return this.getJson(podPath(namespace, name), {}, { kind: 'pod', namespace, name }, signal);
  }

  async deletePod(namespace: string, name: string, options: DeleteOptions, signal?: AbortSignal): Promise<void> {
    const body = JSON.stringify({
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      ...(options.gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds: options.gracePeriodSeconds }),
    });
    const response = await this.send(
      'DELETE',
      podPath(namespace, name),
      {},
      { kind: 'pod', namespace, name },
      { body, signal },
    );
    await readBodyPrefix(response, ERROR_BODY_LIMIT);
  }

  async readPodLog(namespace: string, name: string, options: PodLogOptions, signal: AbortSignal): Promise<Readable> {
    const target = { kind: 'pod', namespace, name };
    const response = await this.send('GET', `${podPath(namespace, name)}/log`, logQuery(options), target, {
      signal,
      stream: true,
    });
    const clusterId = this.settings.clusterId;
    async function* body(): AsyncGenerator<Buffer> {
      try {
        for await (const chunk of response as AsyncIterable<Buffer>) yield chunk;
      } catch (error) {
        throw apiErrorFromTransportFailure(error, { ...target, clusterId });
      } finally {
        response.destroy(); // the reader stopped early (a client gone, a limit reached): end the request
      }
    }
    return Readable.from(body(), { objectMode: false });
  }

  async openExec(namespace: string, name: string, options: ExecOptions, signal: AbortSignal): Promise<ExecChannel> {
    const target = { clusterId: this.settings.clusterId, namespace, pod: name, container: options.container };
    const url = new URL(`${podPath(namespace, name)}/exec`, this.server);
    if (options.container) url.searchParams.set('container', options.container);
    for (const arg of options.command) url.searchParams.append('command', arg);
    // A terminal: stdin and a TTY, whose output is stdout alone (the runtime merges stderr into it).
    for (const stream of ['stdin', 'stdout', 'tty']) url.searchParams.set(stream, 'true');
    let credentials: Credentials;
    try {
      credentials = await this.credentials();
    } catch (error) {
      throw apiErrorFromTransportFailure(error, target);
    }
    return connectExecChannel({
      url,
      headers: { ...credentials.headers, 'User-Agent': USER_AGENT },
      agent: credentials.agent,
      auth: credentials.auth,
      target,
      connectTimeoutMs: this.settings.connectTimeoutMs,
      requestTimeoutMs: this.settings.requestTimeoutMs,
      signal,
      lifetime: this.closed.signal,
    });
  }

  async watchPods(
    resourceVersion: string,
    onEvent: (event: PodWatchEvent) => void,
    signal: AbortSignal,
    onOpen?: () => void,
  ): Promise<void> {
    // A random server-side timeout, as client-go's reflector does, so that many watches do not all end at once.
    const timeoutSeconds = 240 + Math.floor(Math.random() * 120);
    const query = { watch: 1, allowWatchBookmarks: true, resourceVersion, timeoutSeconds };
    const response = await this.send('GET', 'api/v1/pods', query, { kind: 'pods' }, { signal, stream: true });
    onOpen?.();
    const lines = jsonLines(response, {
      maxLineBytes: this.settings.maxWatchLineBytes,
      onUnparsable: (line) => this.reportUnparsable(line),
    });
    try {
      for await (const value of lines) {
        const event = value as PodWatchEvent;
        if (event?.type === 'ERROR') throw watchError(event.object as KubeStatus);
        if (event?.type && event.object) onEvent(event);
      }
    } catch (error) {
      if (signal.aborted) throw error;
      if (error instanceof WatchExpiredError || error instanceof ResourceVersionTooLargeError) throw error;
      if (error instanceof ApiError) throw error;
      if (error instanceof ResponseTooLargeError) throw this.tooLarge('a watch event', error);
      throw apiErrorFromTransportFailure(error, { clusterId: this.settings.clusterId });
    } finally {
      response.destroy(); // ends the request when the watch stops early (an ERROR event, an event over the cap)
    }
  }

  listNamespaces(options: ListOptions, signal?: AbortSignal): Promise<KubeList<KubeNamespace>> {
    return this.getJson('api/v1/namespaces', listQuery(options), { kind: 'namespaces' }, signal);
  }

  listCoreEvents(namespace: string, options: ListOptions, signal?: AbortSignal): Promise<KubeList<KubeCoreEvent>> {
    return this.getJson(
      `api/v1/namespaces/${encodeURIComponent(namespace)}/events`,
      listQuery(options),
      { kind: 'events', namespace },
      signal,
    );
  }

  impersonating(headers: ImpersonationHeaders): KubeApi {
    return new ClientNodeKubeApi(this.config, this.settings, this.closed, headers);
  }

  close(): void {
    this.closed.abort();
  }

  private async getJson<T>(
    path: string,
    query: Query,
    target: Omit<KubeTarget, 'clusterId'>,
    signal?: AbortSignal,
  ): Promise<T> {
    const response = await this.send('GET', path, query, target, { signal });
    try {
      return JSON.parse(await readBody(response, this.settings.maxResponseBytes)) as T;
    } catch (error) {
      if (error instanceof SyntaxError)
        throw new ApiError(
          502,
          'ClusterUnreachable',
          `cluster "${this.settings.clusterId}" answered with a body that is not JSON`,
        );
      if (error instanceof ResponseTooLargeError) throw this.tooLarge('an answer', error);
      throw apiErrorFromTransportFailure(error, { clusterId: this.settings.clusterId });
    }
  }

  /**
   * Sends one request with the cluster's credentials; resolves with a 2xx response whose body is unread, throws
   * `ApiError` for anything else. The request timeout covers the whole request, or for a stream (a watch, a log) only
   * the wait for the answer: the body of a stream lasts as long as the server or the reader wants.
   */
  private async send(
    method: 'GET' | 'DELETE',
    path: string,
    query: Query,
    target: Omit<KubeTarget, 'clusterId'>,
    { body, signal, stream = false }: { body?: string; signal?: AbortSignal; stream?: boolean },
  ): Promise<IncomingMessage> {
    const fullTarget = { ...target, clusterId: this.settings.clusterId };
    const answered = new AbortController();
    const deadline = setTimeout(
      () => answered.abort(new DOMException('the cluster did not answer in time', 'TimeoutError')),
      this.settings.requestTimeoutMs,
    );
    const signals = [this.closed.signal, answered.signal, ...(signal ? [signal] : [])];
    let response: IncomingMessage;
    try {
      const { headers, agent, auth } = await this.credentials();
      response = await sendKubeRequest({
        method,
        url: this.url(path, query),
        headers: {
          ...headers,
          Accept: 'application/json',
          'User-Agent': USER_AGENT,
          ...(body ? { 'Content-Type': 'application/json' } : {}),
        },
        agent,
        auth,
        body,
        signal: AbortSignal.any(signals),
        connectTimeoutMs: this.settings.connectTimeoutMs,
      });
    } catch (error) {
      clearTimeout(deadline);
      throw apiErrorFromTransportFailure(error, fullTarget);
    }
    if (stream) clearTimeout(deadline);
    else response.once('close', () => clearTimeout(deadline));
    const status = response.statusCode ?? 0;
    if (status >= 200 && status < 300) return response;
    const text = await readBodyPrefix(response, ERROR_BODY_LIMIT).catch(() => '');
    const kubeStatus = parseKubeStatus(text) ?? { kind: 'Status', code: status };
    if (stream && status === 410) throw new WatchExpiredError(kubeStatus.message);
    if (query.resourceVersion && isTooLargeResourceVersion(kubeStatus))
      throw new ResourceVersionTooLargeError(kubeStatus.message);
    throw apiErrorFromStatus(kubeStatus, fullTarget);
  }

  /**
   * What every request to the cluster carries: the Authorization header (token, exec plugin…), the TLS agent, and the
   * impersonation headers of a view.
   */
  private async credentials(): Promise<Credentials> {
    const options: RequestOptions = {};
    await this.config.applyToHTTPSOptions(options);
    return {
      headers: { ...(options.headers as OutgoingHttpHeaders | undefined), ...this.impersonation },
      agent: options.agent as Agent | undefined,
      auth: options.auth ?? undefined,
    };
  }

  private url(path: string, query: Query): URL {
    const url = new URL(path, this.server);
    for (const [key, value] of Object.entries(query))
      if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
    return url;
  }

  private tooLarge(what: string, error: ResponseTooLargeError): ApiError {
    return new ApiError(
      502,
      'ClusterUnreachable',
      `cluster "${this.settings.clusterId}" sent ${what} larger than ${formatBytes(error.limitBytes)}`,
    );
  }

  private reportUnparsable(line: string): void {
    this.logger.warn({ event: 'kube.watch.unparsable', clusterId: this.settings.clusterId, bytes: line.length });
  }
}

function podPath(namespace: string, name: string): string {
  return `api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`;
}

function logQuery(options: PodLogOptions): Query {
  return {
    container: options.container,
    follow: options.follow,
    previous: options.previous,
    sinceSeconds: options.sinceSeconds,
    sinceTime: options.sinceTime,
    tailLines: options.tailLines,
    timestamps: options.timestamps,
    limitBytes: options.limitBytes,
  };
}

function listQuery(options: ListOptions): Query {
  return {
    labelSelector: options.labelSelector,
    fieldSelector: options.fieldSelector,
    limit: options.limit,
    continue: options.continueToken,
    resourceVersion: options.resourceVersion,
    resourceVersionMatch: options.resourceVersionMatch,
  };
}

/** With `limit=1`, items plus the server's `remainingItemCount` (absent on servers that do not count). */
function countOf(list: KubeList<unknown>): ObjectCount {
  return { count: list.items.length + (list.metadata.remainingItemCount ?? 0) };
}

function watchError(status: KubeStatus): Error {
  if (status.code === 410) return new WatchExpiredError(status.message);
  if (isTooLargeResourceVersion(status)) return new ResourceVersionTooLargeError(status.message);
  return apiErrorFromStatus(status);
}

/**
 * The API server's answer to a resourceVersion past its state: 504 `Timeout` "Too large resource version" with cause
 * `ResourceVersionTooLarge` (apiserver storage.NewTooLargeResourceVersionError); servers before 1.18.6 gave only the
 * message (client-go reflector.go isTooLargeResourceVersionError).
 */
function isTooLargeResourceVersion(status: KubeStatus): boolean {
  if (status.details?.causes?.some((cause) => cause.reason === 'ResourceVersionTooLarge')) return true;
  return status.code === 504 && (status.message ?? '').includes('Too large resource version');
}

/** Builds client-node's KubeConfig for a registry entry and wraps it in the port. */
@Injectable()
export class ClientNodeKubeApiFactory extends KubeApiFactory {
  create(access: ClusterAccess, settings: KubeApiSettings): KubeApi {
    try {
      return new ClientNodeKubeApi(toKubeConfig(access), settings);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      // A kubeconfig file removed after start, unreadable service-account files: say which cluster, not the path.
      throw new ApiError(
        502,
        'ClusterUnreachable',
        `the credentials of cluster "${settings.clusterId}" could not be loaded`,
      );
    }
  }
}

export function toKubeConfig(access: ClusterAccess): KubeConfig {
  const config = new KubeConfig();
  switch (access.kind) {
    case 'kubeconfig-file':
      config.loadFromFile(access.path);
      config.setCurrentContext(access.context);
      return allowHttp(config, access.allowInsecureHttp);
    case 'kubeconfig':
      return allowHttp(loadKubeconfig(access.kubeConfig, { requireCurrentContext: true }), access.allowInsecureHttp);
    case 'token':
      config.loadFromClusterAndUser(
        {
          name: 'cluster',
          server: access.apiServer,
          skipTLSVerify: access.insecureSkipTlsVerify,
          ...(access.caCert ? { caData: Buffer.from(access.caCert).toString('base64') } : {}),
        },
        { name: 'user', ...(access.token ? { token: access.token } : {}) },
      );
      return config;
    case 'in-cluster':
      config.loadFromCluster();
      return config;
  }
}

/**
 * client-node refuses a plain-HTTP server unless TLS verification is switched off, a flag that means nothing
 * without TLS. Where plain HTTP is allowed (a kubeconfig file the operator wrote, or an explicit opt-in), set it for
 * that server so its requests get a plain HTTP agent.
 */
function allowHttp(config: KubeConfig, allowed: boolean): KubeConfig {
  const current = config.getCurrentCluster();
  if (!current?.server.startsWith('http:')) return config;
  if (!allowed) throw ApiError.badRequest('the cluster server uses plain HTTP; set insecureSkipTlsVerify to allow it');
  const clusters = config.clusters.map((cluster) =>
    cluster.name === current.name ? { ...cluster, skipTLSVerify: true } : cluster,
  );
  const patched = new KubeConfig();
  patched.loadFromOptions({
    clusters,
    users: config.users,
    contexts: config.contexts,
    currentContext: config.currentContext,
  });
  return patched;
}

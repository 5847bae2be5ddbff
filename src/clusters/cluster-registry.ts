import { existsSync } from 'node:fs';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ApiError } from '../common/errors/api-error.js';
import { kubeConfig, type KubeSettings } from '../config/kube.config.js';
import { clusterIdFor, registeredClusterId } from './cluster-ids.js';
import type { ClusterEntry, ListedClusterEntry } from './cluster-entry.js';
import type { ClusterCredentials, StoredCluster } from './cluster-record.js';
import { ClusterRegistryRepository } from './cluster-registry.repository.js';
import type { ClusterAccess } from './kube/cluster-access.js';
import { inClusterServer, readKubeconfigContexts } from './kube/kubeconfig-contexts.js';
import { SandboxLauncher, type RunningSandbox } from './sandbox-cluster.js';

const STARTED_AT = new Date().toISOString();

// Registered clusters are read from the store, shared with other replicas; every request naming a cluster needs its
// entry, so an entry is reused this long (changes made through this replica apply at once, others' within it).
const STORED_ENTRY_TTL_MS = 1000;

/**
 * Every cluster the service serves, from all its sources: the contexts of the kubeconfig file(s), the cluster the
 * service runs in, the clusters registered through the API (in the store, shared by all replicas), and — only when
 * none of those yields a cluster — the built-in simulator as `sandbox`.
 */
@Injectable()
export class ClusterRegistry implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ClusterRegistry.name);
  private configured: ClusterEntry[] = [];
  private sandbox?: RunningSandbox;
  private readonly recent = new Map<string, { entry: ListedClusterEntry; until: number }>();

  constructor(
    @Inject(kubeConfig.KEY) private readonly settings: KubeSettings,
    private readonly repository: ClusterRegistryRepository,
    private readonly sandboxLauncher: SandboxLauncher,
  ) {}

  async onModuleInit(): Promise<void> {
    this.configured = [...this.fromKubeconfigFiles(), ...this.fromInCluster()];
    const wantsSandbox =
      this.settings.sandbox === 'on' ||
      (this.settings.sandbox === 'auto' && this.configured.length === 0 && (await this.repository.count()) === 0);
    if (wantsSandbox) this.configured.push(await this.startSandbox());
    this.logger.log({ event: 'clusters.loaded', clusters: this.configured.map(({ id, source }) => ({ id, source })) });
    await this.checkStoredCredentials();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sandbox?.stop();
  }

  /** All clusters: configured ones first, then registered ones oldest first, the unavailable ones included. */
  async list(): Promise<ListedClusterEntry[]> {
    const stored = await this.repository.list();
    return [...this.configured, ...stored.map(toEntry)];
  }

  /** A cluster to connect to: 404 `ClusterNotFound` for an unknown id, the reason for an unavailable one. */
  async get(id: string): Promise<ClusterEntry> {
    const entry = await this.describe(id);
    if ('unavailable' in entry) throw entry.unavailable;
    return entry;
  }

  /** A cluster as listed, usable or not; 404 `ClusterNotFound` for an unknown id. */
  async describe(id: string): Promise<ListedClusterEntry> {
    const configured = this.configured.find((entry) => entry.id === id);
    if (configured) return configured;
    const cached = this.recent.get(id);
    if (cached && cached.until > Date.now()) return cached.entry;
    const record = await this.repository.get(id);
    if (!record) {
      this.recent.delete(id);
      throw ApiError.clusterNotFound(id);
    }
    const entry = toEntry(record);
    this.recent.set(id, { entry, until: Date.now() + STORED_ENTRY_TTL_MS });
    return entry;
  }

  /** A registered cluster changed or went away through this replica: read it from the store next time. */
  forget(id: string): void {
    this.recent.delete(id);
  }

  /** The id a new cluster named `name` gets. */
  async newId(name: string): Promise<string> {
    const taken = new Set((await this.list()).map((entry) => entry.id));
    return registeredClusterId(name, taken);
  }

  /**
   * Says at start which registered clusters cannot be used because their credentials cannot be read (typically
   * `ENCRYPTION_KEY` changed or was not set): one warning each, with the reason. They stay listed as disconnected,
   * and every other cluster works.
   */
  private async checkStoredCredentials(): Promise<void> {
    for (const record of await this.repository.list()) {
      if ('unreadable' in record)
        this.logger.warn({
          event: 'cluster.credentials.unreadable',
          clusterId: record.id,
          reason: record.unreadable.message,
        });
    }
  }

  /**
   * Each context of each kubeconfig file becomes a read-only cluster. A file named in KUBECONFIG that cannot be read
   * stops the start (the operator asked for it); the default ~/.kube/config may be absent.
   */
  private fromKubeconfigFiles(): ClusterEntry[] {
    const entries: ClusterEntry[] = [];
    const taken = new Set<string>();
    for (const path of this.settings.kubeconfigPaths) {
      if (!existsSync(path)) {
        if (this.settings.kubeconfigExplicit) this.logger.warn({ event: 'kubeconfig.missing', path });
        continue;
      }
      let contexts: ReturnType<typeof readKubeconfigContexts>;
      try {
        contexts = readKubeconfigContexts(path);
      } catch {
        if (this.settings.kubeconfigExplicit) throw new Error(`KUBECONFIG: the file ${path} is not a valid kubeconfig`);
        this.logger.warn({ event: 'kubeconfig.unreadable', path });
        continue;
      }
      for (const context of contexts) {
        if (entries.some((entry) => entry.name === context.name)) continue; // the first file defining a context wins, as in kubectl
        const id = clusterIdFor(context.name, taken);
        taken.add(id);
        entries.push({
          id,
          name: context.name,
          description: `context "${context.name}" of ${path}`,
          apiServer: context.server,
          source: 'kubeconfig',
          access: { kind: 'kubeconfig-file', path, context: context.name, allowInsecureHttp: true },
          readOnly: true,
          impersonate: this.settings.impersonate,
          createdAt: STARTED_AT,
          updatedAt: STARTED_AT,
        });
      }
    }
    return entries;
  }

  private fromInCluster(): ClusterEntry[] {
    if (!this.settings.inCluster) return [];
    return [
      {
        id: 'in-cluster',
        name: 'in-cluster',
        description: 'the cluster this service runs in',
        apiServer: inClusterServer(),
        source: 'in-cluster',
        access: { kind: 'in-cluster' },
        readOnly: true,
        impersonate: this.settings.impersonate,
        createdAt: STARTED_AT,
        updatedAt: STARTED_AT,
      },
    ];
  }

  private async startSandbox(): Promise<ClusterEntry> {
    this.sandbox = await this.sandboxLauncher.start();
    return {
      id: 'sandbox',
      name: 'sandbox',
      description: 'the built-in Kubernetes API simulator, with demo pods (no cluster is configured)',
      apiServer: this.sandbox.url,
      source: 'sandbox',
      access: { kind: 'kubeconfig', kubeConfig: this.sandbox.kubeconfig, allowInsecureHttp: true },
      readOnly: true,
      impersonate: this.settings.impersonate,
      createdAt: STARTED_AT,
      updatedAt: STARTED_AT,
    };
  }
}

function toEntry(record: StoredCluster): ListedClusterEntry {
  const fields = {
    id: record.id,
    name: record.name,
    description: record.description,
    apiServer: record.apiServer,
    source: 'api' as const,
    readOnly: false,
    impersonate: record.impersonate,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
  if ('unreadable' in record) return { ...fields, unavailable: record.unreadable };
  return { ...fields, access: accessOf(record.credentials, record.apiServer) };
}

function accessOf(credentials: ClusterCredentials, apiServer: string | null): ClusterAccess {
  if (credentials.kubeConfig)
    return {
      kind: 'kubeconfig',
      kubeConfig: credentials.kubeConfig,
      allowInsecureHttp: credentials.insecureSkipTlsVerify === true,
    };
  return {
    kind: 'token',
    apiServer: apiServer ?? '',
    token: credentials.token,
    caCert: credentials.caCert,
    insecureSkipTlsVerify: credentials.insecureSkipTlsVerify === true,
  };
}

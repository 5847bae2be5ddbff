import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeFieldValue, parseFieldSelector } from '../../common/kube/field-selector.js';
import type { SimulatedCluster, WriteOptions } from '../cluster/simulated-cluster.js';
import type { Clock } from '../clock.js';
import { negotiate } from '../http/content-negotiation.js';
import { readObjectBody, readOptionalJson } from '../http/read-body.js';
import type { ResourceTarget } from '../http/request-target.js';
import { successStatus, writeJson } from '../http/responses.js';
import { KubeStatusError } from '../kube-status-error.js';
import type { KubeObject } from '../store/object-store.js';
import type { Verb } from './api-resources.js';
import { fromEventV1 } from './event-strategy.js';
import { fieldLabelConversion, parseListOptions, type ListFeatures, type ListOptions } from './list-options.js';
import { selectPage } from './list-query.js';
import { ObjectView } from './object-view.js';
import { patchTypeOf } from './patch.js';
import { WatchStream, type WatchTimings } from './watch-stream.js';

export interface ResourceRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  target: ResourceTarget;
  verb: Verb;
}

/** Handlers for the subresources that are not objects (pods/log, pods/exec), wired in by the server. */
export interface StreamHandlers {
  log(request: ResourceRequest): Promise<void>;
  /** pods/exec reached without a WebSocket upgrade (an SPDY client, or a plain GET/POST). */
  execWithoutUpgrade(request: ResourceRequest): void;
}

/** Every watch that is open, for `/sandbox/stats` and the dropped-watch fault. */
export class WatchRegistry {
  private readonly open = new Set<WatchStream>();

  get size(): number {
    return this.open.size;
  }

  add(watch: WatchStream): void {
    this.open.add(watch);
  }

  delete(watch: WatchStream): void {
    this.open.delete(watch);
  }

  closeAll(mode: 'end' | 'destroy'): number {
    const watches = [...this.open];
    for (const watch of watches) watch.close(mode);
    return watches.length;
  }
}

/**
 * The REST verbs on a resource (apiserver/pkg/endpoints/handlers: get.go, create.go, update.go, patch.go,
 * delete.go, watch.go): decoding, options, status codes and response forms; the registry logic is the cluster's.
 */
export class ResourceHandler {
  constructor(
    private readonly cluster: SimulatedCluster,
    private readonly watches: WatchRegistry,
    private readonly clock: Clock,
    private readonly timings: WatchTimings,
    private readonly streams: StreamHandlers,
    private readonly features: ListFeatures,
  ) {}

  async handle(request: ResourceRequest): Promise<void> {
    const { target, verb } = request;
    switch (target.subresource) {
      case undefined:
        return this.handleMain(request);
      case 'status':
        if (!target.resource.subresources.some((sub) => sub.name === 'status')) throw notFoundSubresource();
        return this.handleStatus(request);
      case 'log':
        if (target.resource.storage !== 'pods' || target.resource.group !== '' || verb !== 'get')
          throw notFoundSubresource();
        return this.streams.log(request);
      case 'exec':
        if (target.resource.storage !== 'pods' || target.resource.group !== '') throw notFoundSubresource();
        return this.streams.execWithoutUpgrade(request);
      case 'binding':
        if (target.resource.storage !== 'pods' || target.resource.group !== '' || verb !== 'create')
          throw notFoundSubresource();
        return this.bind(request);
      default:
        throw notFoundSubresource();
    }
  }

  private async handleMain(request: ResourceRequest): Promise<void> {
    if (!request.target.resource.verbs.includes(request.verb)) throw methodNotSupported();
    switch (request.verb) {
      case 'list':
        return this.list(request);
      case 'watch':
        return this.watch(request);
      case 'get':
        return this.get(request);
      case 'create':
        return this.create(request);
      case 'update':
        return this.update(request, {});
      case 'patch':
        return this.patch(request, {});
      case 'delete':
        return this.delete(request);
      case 'deletecollection':
        return this.deleteCollection(request);
    }
  }

  private async handleStatus(request: ResourceRequest): Promise<void> {
    switch (request.verb) {
      case 'get':
        return this.get(request);
      case 'update':
        return this.update(request, { subresource: 'status' });
      case 'patch':
        return this.patch(request, { subresource: 'status' });
      default:
        throw methodNotSupported();
    }
  }

  private view(request: ResourceRequest, options?: ListOptions): ObjectView {
    const format = negotiate(request.req.headers.accept, { table: true, metadata: true });
    return new ObjectView(request.target.resource, format, options?.includeObject ?? 'Metadata');
  }

  private async list(request: ResourceRequest): Promise<void> {
    const { target, url, res } = request;
    const options = parseListOptions(url.searchParams, target.resource, false, this.features);
    const view = this.view(request, options);
    const collection = this.cluster.collection(target.resource.storage);
    const page = selectPage(collection, target.namespace, options, this.cluster.versions.current);
    await view.writeList(res, page, this.clock.now());
  }

  private async watch(request: ResourceRequest): Promise<void> {
    const { target, url, res } = request;
    let options = parseListOptions(url.searchParams, target.resource, target.watchPath, this.features);
    if (target.name) {
      // Watching one object is watching the collection with metadata.name (the deprecated /watch/.../{name} form).
      const selector = [options.fieldSelector.toString(), `metadata.name=${escapeFieldValue(target.name)}`]
        .filter(Boolean)
        .join(',');
      options = { ...options, fieldSelector: parseFieldSelector(selector, fieldLabelConversion(target.resource)) };
    }
    const view = this.view(request, options);
    const stream = new WatchStream(
      res,
      this.cluster.collection(target.resource.storage),
      view,
      target.namespace,
      options,
      this.clock,
      this.timings,
      () => this.cluster.versions.current,
      (closed) => this.watches.delete(closed),
    );
    this.watches.add(stream);
    await stream.start();
  }

  private get(request: ResourceRequest): void {
    const { target, res } = request;
    const view = this.view(request);
    const object = this.cluster.get(target.resource.storage, target.namespace, target.name ?? '');
    writeJson(res, 200, view.single(object, this.clock.now()), view.contentType);
  }

  private async create(request: ResourceRequest): Promise<void> {
    const { target, res, url } = request;
    if (target.name) throw methodNotSupported();
    const view = this.view(request);
    const object = this.toStorage(request, await readObjectBody(request.req, target.resource.kind));
    const meta = (object.metadata ??= {});
    if (target.resource.namespaced) {
      if (meta.namespace && meta.namespace !== target.namespace) {
        throw KubeStatusError.badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      meta.namespace = target.namespace;
    }
    if (!meta.name && !meta.generateName) {
      throw KubeStatusError.of(
        422,
        'Invalid',
        `${target.resource.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
        {
          kind: target.resource.kind,
          causes: [
            {
              reason: 'FieldValueRequired',
              message: 'Required value: name or generateName is required',
              field: 'metadata.name',
            },
          ],
        },
      );
    }
    const created = this.cluster.create(target.resource.storage, object, writeOptions(url));
    writeJson(res, 201, view.single(created, this.clock.now()), view.contentType);
  }

  private async update(request: ResourceRequest, options: WriteOptions): Promise<void> {
    const { target, res, url } = request;
    const view = this.view(request);
    const object = this.toStorage(request, await readObjectBody(request.req, target.resource.kind));
    const meta = (object.metadata ??= {});
    if (meta.name !== target.name) {
      throw KubeStatusError.badRequest(
        `the name of the object (${meta.name ?? ''}) does not match the name on the URL (${target.name ?? ''})`,
      );
    }
    if (target.resource.namespaced) {
      if (meta.namespace && meta.namespace !== target.namespace) {
        throw KubeStatusError.badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      meta.namespace = target.namespace;
    }
    const updated = this.cluster.update(target.resource.storage, object, { ...writeOptions(url), ...options });
    writeJson(res, 200, view.single(updated, this.clock.now()), view.contentType);
  }

  private async patch(request: ResourceRequest, options: WriteOptions): Promise<void> {
    const { target, res, url, req } = request;
    const view = this.view(request);
    const type = patchTypeOf(req.headers['content-type']);
    const body = await readOptionalJson(req);
    if (body === undefined) throw KubeStatusError.badRequest('the body of the request was empty');
    if (target.resource.group === 'events.k8s.io')
      throw KubeStatusError.of(
        405,
        'MethodNotAllowed',
        'patching events through events.k8s.io/v1 is not supported by the simulator',
      );
    const patched = this.cluster.patch(target.resource.storage, target.namespace, target.name ?? '', type, body, {
      ...writeOptions(url),
      ...options,
    });
    writeJson(res, 200, view.single(patched, this.clock.now()), view.contentType);
  }

  private async delete(request: ResourceRequest): Promise<void> {
    const { target, res, url, req } = request;
    const view = this.view(request);
    const options = await deleteOptions(req, url);
    const { object } = this.cluster.delete(target.resource.storage, target.namespace, target.name ?? '', options);
    // Pods and namespaces answer with the object (the registry's ReturnDeletedObject); other resources with a Status.
    if (target.resource.storage === 'pods' || target.resource.storage === 'namespaces') {
      writeJson(res, 200, view.single(object, this.clock.now()), view.contentType);
      return;
    }
    writeJson(
      res,
      200,
      successStatus(200, {
        name: target.name,
        ...(target.resource.group ? { group: target.resource.group } : {}),
        kind: target.resource.plural,
        uid: object.metadata.uid,
      }),
    );
  }

  private async deleteCollection(request: ResourceRequest): Promise<void> {
    const { target, res, url, req } = request;
    const view = this.view(request);
    const listOptions = parseListOptions(url.searchParams, target.resource, false, this.features);
    const options = await deleteOptions(req, url);
    const collection = this.cluster.collection(target.resource.storage);
    const page = selectPage(
      collection,
      target.namespace,
      { ...listOptions, limit: undefined, continueToken: undefined },
      this.cluster.versions.current,
    );
    const deleted: KubeObject[] = [];
    for (const stored of page.items) {
      if (!collection.getByKey(stored.key)) continue;
      deleted.push(
        this.cluster.delete(target.resource.storage, stored.namespace || undefined, stored.name, options).object,
      );
    }
    const items = deleted.map((object) => view.object(object));
    writeJson(res, 200, {
      kind: `${target.resource.kind}List`,
      apiVersion: view.apiVersion,
      metadata: { resourceVersion: String(this.cluster.versions.current) },
      items,
    });
  }

  private async bind(request: ResourceRequest): Promise<void> {
    const { target, res } = request;
    const body = (await readObjectBody(request.req, 'Binding')) as {
      target?: { name?: string };
      metadata?: { name?: string };
    };
    const node = body?.target?.name;
    if (!node)
      throw KubeStatusError.of(
        422,
        'Invalid',
        `Binding "${target.name ?? ''}" is invalid: target.name: Required value`,
      );
    this.cluster.bind(target.namespace ?? '', target.name ?? '', node);
    writeJson(res, 201, successStatus(201));
  }

  /** Decodes a written object into the stored (core/v1) form. */
  private toStorage(request: ResourceRequest, body: unknown): KubeObject {
    const { resource } = request.target;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw KubeStatusError.badRequest(`the object provided is unrecognized (must be of type ${resource.kind})`);
    }
    const object = body as KubeObject;
    if (object.kind && object.kind !== resource.kind) {
      throw KubeStatusError.badRequest(
        `the object provided is unrecognized (must be of type ${resource.kind}): no kind "${object.kind}" is registered for the request`,
      );
    }
    return resource.group === 'events.k8s.io' ? fromEventV1(object) : object;
  }
}

function writeOptions(url: URL): WriteOptions {
  const dryRun = url.searchParams.getAll('dryRun');
  if (dryRun.some((value) => value !== 'All'))
    throw KubeStatusError.badRequest(`dryRun: Unsupported value: "${dryRun.join(',')}": supported values: "All"`);
  return { dryRun: dryRun.length > 0, fieldManager: url.searchParams.get('fieldManager') || undefined };
}

async function deleteOptions(
  req: IncomingMessage,
  url: URL,
): Promise<{
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}> {
  const body = (await readOptionalJson(req)) as
    | { gracePeriodSeconds?: number; preconditions?: { uid?: string; resourceVersion?: string }; dryRun?: string[] }
    | undefined;
  const fromQuery = url.searchParams.get('gracePeriodSeconds');
  let gracePeriodSeconds = body?.gracePeriodSeconds;
  if (fromQuery !== null && fromQuery !== '') {
    if (!/^-?\d+$/.test(fromQuery))
      throw KubeStatusError.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(fromQuery)}: invalid syntax`);
    gracePeriodSeconds = Number(fromQuery);
  }
  if (gracePeriodSeconds !== undefined && gracePeriodSeconds < 0) gracePeriodSeconds = 1;
  const dryRun = url.searchParams.getAll('dryRun').length > 0 || (body?.dryRun ?? []).length > 0;
  return { gracePeriodSeconds, preconditions: body?.preconditions, dryRun };
}

function notFoundSubresource(): KubeStatusError {
  return KubeStatusError.of(404, 'NotFound', 'the server could not find the requested resource', {});
}

function methodNotSupported(): KubeStatusError {
  return KubeStatusError.of(
    405,
    'MethodNotAllowed',
    `the server does not allow this method on the requested resource`,
    {},
  );
}

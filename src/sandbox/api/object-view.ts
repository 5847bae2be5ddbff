import type { ServerResponse } from 'node:http';
import type { KubeListMeta } from '../../common/kube/kube-objects.js';
import type { OutputFormat } from '../http/content-negotiation.js';
import { apiHeaders, ChunkedWriter, writeJson } from '../http/responses.js';
import type { KubeObject, StoredObject } from '../store/object-store.js';
import { tableConverter } from '../tables/table-converters.js';
import { tableRowJson, type IncludeObject } from '../tables/table.js';
import { groupVersionString, type ApiResource } from './api-resources.js';
import { toEventV1 } from './event-strategy.js';
import type { ListPage } from './list-query.js';

/**
 * How the objects of a resource look in the API version a request used, and in the form it asked for (the
 * object, a Table, or PartialObjectMetadata). events.k8s.io/v1 is the only version that converts.
 */
export class ObjectView {
  readonly apiVersion: string;

  constructor(
    readonly resource: ApiResource,
    readonly format: OutputFormat,
    private readonly includeObject: IncludeObject = 'Metadata',
  ) {
    this.apiVersion = groupVersionString(resource.group, resource.version);
  }

  get contentType(): string {
    return this.format.kind === 'json' || this.format.kind === 'discovery'
      ? 'application/json'
      : this.format.contentType;
  }

  /** The object in the request's API version. */
  object(object: KubeObject): KubeObject {
    return this.resource.group === 'events.k8s.io' ? (toEventV1(object) as unknown as KubeObject) : object;
  }

  /** JSON text of one object in the request's version (no parse for core resources). */
  objectJson(stored: StoredObject): string {
    return this.resource.group === 'events.k8s.io'
      ? JSON.stringify(this.object(JSON.parse(stored.json) as KubeObject))
      : stored.json;
  }

  /** A single object (GET, create, update…) in the requested form. */
  single(object: KubeObject, now: Date): unknown {
    const viewed = this.object(object);
    switch (this.format.kind) {
      case 'table':
        return JSON.parse(
          this.tableJson([viewed], { resourceVersion: viewed.metadata.resourceVersion }, now, true),
        ) as unknown;
      case 'metadata':
        return partialMetadata(viewed, this.format.apiVersion);
      default:
        return viewed;
    }
  }

  /** A watch event's object, as JSON text; `withHeaders` is false after the first Table of a watch. */
  watchObjectJson(stored: StoredObject, now: Date, withHeaders: boolean): string {
    switch (this.format.kind) {
      case 'table':
        return this.tableJson(
          [this.object(JSON.parse(stored.json) as KubeObject)],
          { resourceVersion: String(stored.rv) },
          now,
          withHeaders,
        );
      case 'metadata':
        return JSON.stringify(partialMetadata(JSON.parse(stored.json) as KubeObject, this.format.apiVersion));
      default:
        return this.objectJson(stored);
    }
  }

  /** A BOOKMARK's object: only the kind and a resourceVersion. */
  bookmarkJson(rv: number, annotations?: Record<string, string>): string {
    const metadata = { resourceVersion: String(rv), creationTimestamp: null, ...(annotations ? { annotations } : {}) };
    if (this.format.kind === 'metadata')
      return JSON.stringify({ kind: 'PartialObjectMetadata', apiVersion: this.format.apiVersion, metadata });
    return JSON.stringify({ kind: this.resource.kind, apiVersion: this.apiVersion, metadata });
  }

  /** Writes a list page, streamed so that a list of 100 000 objects is never one string. */
  async writeList(res: ServerResponse, page: ListPage, now: Date): Promise<void> {
    const meta: KubeListMeta = { resourceVersion: String(page.rv) };
    if (page.continueToken) meta.continue = page.continueToken;
    if (page.remainingItemCount !== undefined) meta.remainingItemCount = page.remainingItemCount;
    if (page.items.length < 200) {
      writeJson(res, 200, this.listText(page.items, meta, now), this.contentType);
      return;
    }
    res.writeHead(200, apiHeaders(this.contentType));
    const writer = new ChunkedWriter(res);
    const [head, tail] = this.listFrame(meta);
    await writer.push(head);
    for (let index = 0; index < page.items.length; index++) {
      if (!(await writer.push((index === 0 ? '' : ',') + this.itemJson(page.items[index], now)))) return;
    }
    await writer.end(tail);
  }

  private listText(items: readonly StoredObject[], meta: KubeListMeta, now: Date): string {
    const [head, tail] = this.listFrame(meta);
    return head + items.map((stored) => this.itemJson(stored, now)).join(',') + tail;
  }

  private listFrame(meta: KubeListMeta): [string, string] {
    const metadata = JSON.stringify(meta);
    switch (this.format.kind) {
      case 'table': {
        const columns = JSON.stringify(tableConverter(this.resource.storage).columns);
        return [
          `{"kind":"Table","apiVersion":"${this.format.apiVersion}","metadata":${metadata},"columnDefinitions":${columns},"rows":[`,
          ']}',
        ];
      }
      case 'metadata':
        return [
          `{"kind":"PartialObjectMetadataList","apiVersion":"${this.format.apiVersion}","metadata":${metadata},"items":[`,
          ']}',
        ];
      default:
        return [
          `{"kind":"${this.resource.kind}List","apiVersion":"${this.apiVersion}","metadata":${metadata},"items":[`,
          ']}',
        ];
    }
  }

  private itemJson(stored: StoredObject, now: Date): string {
    switch (this.format.kind) {
      case 'table':
        return tableRowJson(
          tableConverter(this.resource.storage),
          this.object(JSON.parse(stored.json) as KubeObject),
          now,
          this.includeObject,
          'meta.k8s.io/v1',
        );
      case 'metadata':
        return JSON.stringify(partialMetadata(JSON.parse(stored.json) as KubeObject, this.format.apiVersion));
      default:
        return this.objectJson(stored);
    }
  }

  private tableJson(objects: readonly KubeObject[], meta: KubeListMeta, now: Date, withHeaders: boolean): string {
    const converter = tableConverter(this.resource.storage);
    const apiVersion = this.format.kind === 'table' ? this.format.apiVersion : 'meta.k8s.io/v1';
    const rows = objects
      .map((object) => tableRowJson(converter, object, now, this.includeObject, 'meta.k8s.io/v1'))
      .join(',');
    const columns = withHeaders ? JSON.stringify(converter.columns) : 'null';
    return `{"kind":"Table","apiVersion":"${apiVersion}","metadata":${JSON.stringify(meta)},"columnDefinitions":${columns},"rows":[${rows}]}`;
  }
}

function partialMetadata(object: KubeObject, apiVersion: string): unknown {
  return { kind: 'PartialObjectMetadata', apiVersion, metadata: object.metadata };
}

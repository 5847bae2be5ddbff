import type { KubeObject } from '../store/object-store.js';

/** meta.k8s.io/v1 TableColumnDefinition. */
export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format: string;
  description: string;
  priority: number;
}

export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface TableRowCells {
  cells: unknown[];
  conditions?: TableRowCondition[];
}

/** The server-side printer of one kind: its columns (wide ones at priority 1) and the cells of one object. */
export interface TableConverter {
  readonly columns: readonly TableColumn[];
  row(object: KubeObject, now: Date): TableRowCells;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
export const AGE_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

export function column(
  name: string,
  description: string,
  options: Partial<Pick<TableColumn, 'type' | 'format' | 'priority'>> = {},
): TableColumn {
  return {
    name,
    type: options.type ?? 'string',
    format: options.format ?? '',
    description,
    priority: options.priority ?? 0,
  };
}

/** The `object` of a row: nothing, PartialObjectMetadata (the default), or the whole object. */
export function rowObject(object: KubeObject, include: IncludeObject, metadataApiVersion: string): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return object;
  return { kind: 'PartialObjectMetadata', apiVersion: metadataApiVersion, metadata: object.metadata };
}

/** One row as JSON text (cells, conditions when any, object). */
export function tableRowJson(
  converter: TableConverter,
  object: KubeObject,
  now: Date,
  include: IncludeObject,
  metadataApiVersion: string,
): string {
  const { cells, conditions } = converter.row(object, now);
  const row: Record<string, unknown> = { cells };
  if (conditions) row.conditions = conditions;
  const embedded = rowObject(object, include, metadataApiVersion);
  if (embedded !== undefined) row.object = embedded;
  return JSON.stringify(row);
}

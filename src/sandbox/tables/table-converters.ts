import type { StorageName } from '../api/api-resources.js';
import { eventTable } from './event-table.js';
import { namespaceTable } from './namespace-table.js';
import { nodeTable } from './node-table.js';
import { podTable } from './pod-table.js';
import type { TableConverter } from './table.js';

const CONVERTERS: Record<StorageName, TableConverter> = {
  pods: podTable,
  nodes: nodeTable,
  namespaces: namespaceTable,
  events: eventTable,
};

export function tableConverter(resource: StorageName): TableConverter {
  return CONVERTERS[resource];
}

import type { TestPostgres } from '../helpers/postgres.js';

/**
 * The server the global setup started, for the global teardown. Both run in jest's main process but are loaded as
 * separate module instances, so the handle lives on `globalThis`.
 */
export function globalPostgres(): { server?: TestPostgres } {
  const holder = globalThis as { __podApiTestPostgres?: { server?: TestPostgres } };
  return (holder.__podApiTestPostgres ??= {});
}

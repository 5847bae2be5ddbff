// Loaded by jest with Node's own require: relative imports without the `.js` suffix (see the global setup).
import { globalPostgres } from './global-postgres';

/** Stops the server the global setup started (if it did) and removes its directory. */
export default async function stopTestPostgres(): Promise<void> {
  const server = globalPostgres().server;
  if (!server) return;
  globalPostgres().server = undefined;
  delete process.env.TEST_DATABASE_URL;
  await server.stop();
}

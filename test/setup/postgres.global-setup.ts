// jest loads global setup with Node's own require (no moduleNameMapper), which cannot map `.js` onto a `.ts` file:
// this one import is written without the suffix.
import { findPostgresBinaries, startPostgres } from '../helpers/postgres';
import { globalPostgres } from './global-postgres';

/**
 * Starts one throwaway PostgreSQL server per jest run and hands its URL to the workers as `TEST_DATABASE_URL`, so the
 * store specs run on both dialects. A `TEST_DATABASE_URL` set by the caller is used as it is. Without the server
 * binaries the PostgreSQL runs are skipped with one warning, except in CI (`CI=true`), where that is a failure.
 */
export default async function startTestPostgres(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return;
  const bin = findPostgresBinaries();
  if (!bin) {
    const why = 'no PostgreSQL server binaries in /usr/lib/postgresql/<version>/bin';
    if (process.env.CI === 'true') throw new Error(`${why}: install Debian's postgresql package (.ci/run does)`);
    process.stderr.write(`\nWARNING: ${why}; the store specs run on SQLite only (apt-get install postgresql)\n`);
    return;
  }
  globalPostgres().server = await startPostgres(bin);
  process.env.TEST_DATABASE_URL = globalPostgres().server?.url;
}

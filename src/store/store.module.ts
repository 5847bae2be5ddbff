import { Global, Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { sql, type Kysely } from 'kysely';
import { ReadinessService } from '../health/readiness.service.js';
import { DATABASE, databaseProvider } from './database.provider.js';
import type { Database } from './schema.js';

/**
 * The store: one `Kysely<Database>` under `DATABASE` for every capability, opened from `DATABASE_URL` and migrated
 * before anything can inject it. `/readyz` fails while the database does not answer.
 */
@Global()
@Module({
  providers: [databaseProvider],
  exports: [DATABASE],
})
export class StoreModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    private readonly readiness: ReadinessService,
  ) {}

  onModuleInit(): void {
    this.readiness.register('store', async () => {
      await sql`select 1`.execute(this.db);
    });
  }

  /** Closed last, after every module's destroy hooks, so they can still write (an audit flush, say). */
  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
  }
}

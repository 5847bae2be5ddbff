import { Injectable } from '@nestjs/common';
import type { Page } from '../common/pagination/page.js';
import type { AuditEvent } from './dto/audit-event.dto.js';
import type { ListAuditEventsQuery } from './dto/list-audit-events.query.js';
import { AuditEventRepository } from './audit-event.repository.js';

/** Reading the audit log of actions and refusals (api.md §6). */
@Injectable()
export class AuditEventsService {
  constructor(private readonly events: AuditEventRepository) {}

  async list(query: ListAuditEventsQuery): Promise<Page<AuditEvent>> {
    const { page, pageSize, ...filter } = query;
    const found = await this.events.list(filter, { page, pageSize });
    return { ...found, items: found.items.map(({ at, ...fields }) => ({ time: at, ...fields })) };
  }
}

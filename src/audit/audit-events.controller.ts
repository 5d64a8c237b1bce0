import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Caller } from '../common/actor/actor';
import { CurrentCaller, Roles, Scope } from '../common/actor/decorators';
import { Page } from '../common/pagination/cursor';
import { AuditEventView } from './audit-event.row';
import { AuditExportService } from './audit-export.service';
import { AuditQueryService } from './audit-query.service';
import { ChainVerification } from './audit-verifier';
import { AuditChainVerificationDto, AuditEventPageDto } from './dto/audit-event.dto';
import { ExportAuditEventsDto } from './dto/export-audit-events.dto';
import { ListAuditEventsDto } from './dto/list-audit-events.dto';

/** What an integration learns from each operation's description. */
export const AUDIT_READ_NOTE =
  'Admins, and API keys with `audit:read` (only an API client that reaches the whole practice may hold it).';

/**
 * The practice's audit log, for its administrators and for practice software holding `audit:read`
 * (a SIEM, a compliance archive). Reading it is itself audited, with the API client as actor.
 */
@ApiTags('audit')
@ApiBearerAuth('bearer')
@Roles('admin')
@Scope('audit:read')
@Controller('audit-events')
export class AuditEventsController {
  constructor(
    private readonly queries: AuditQueryService,
    private readonly exporter: AuditExportService,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'listAuditEvents',
    summary: 'List audit events of the practice, newest first',
    description: `Filters narrow the list; pages follow \`nextCursor\`. ${AUDIT_READ_NOTE}`,
  })
  @ApiOkResponse({ type: AuditEventPageDto })
  list(
    @CurrentCaller() actor: Caller,
    @Query() query: ListAuditEventsDto,
  ): Promise<Page<AuditEventView>> {
    return this.queries.list(actor, query);
  }

  @Get('export')
  @ApiOperation({
    operationId: 'exportAuditEvents',
    summary: 'Export a time range of the audit log as NDJSON or CSV, oldest first',
    description:
      'Streams every event of the range with its metadata and its place in the hash chain ' +
      '(`chainSeq`, `linkHash`). In CSV, `changedFields` is `;`-separated, `metadata` is JSON, ' +
      "and a cell a spreadsheet would run as a formula is prefixed with `'`: use NDJSON for " +
      'exact values. A response cut short by an error ends without completing, never cleanly. ' +
      AUDIT_READ_NOTE,
  })
  @ApiOkResponse({
    description: 'One event per line (NDJSON), or one per record after a header row (CSV)',
    content: {
      'application/x-ndjson': { schema: { type: 'string' } },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  export(
    @CurrentCaller() actor: Caller,
    @Query() query: ExportAuditEventsDto,
  ): Promise<StreamableFile> {
    return this.exporter.export(actor, query);
  }

  @Get('verify')
  @ApiOperation({
    operationId: 'verifyAuditChain',
    summary: "Verify the practice's audit hash chain",
    description:
      'Links pending events first, then checks every link and every linked event. ' +
      '`firstBrokenEventId` names the first event, in chain order, whose record was altered, ' +
      'removed or slipped in. ' +
      AUDIT_READ_NOTE,
  })
  @ApiOkResponse({ type: AuditChainVerificationDto })
  verify(@CurrentCaller() actor: Caller): Promise<ChainVerification> {
    return this.queries.verify(actor);
  }
}

import { Controller, Get, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StaffActor } from '../common/actor/actor';
import { CurrentActor, Roles } from '../common/actor/decorators';
import { Page } from '../common/pagination/cursor';
import { AuditEventView } from './audit-event.row';
import { AuditExportService } from './audit-export.service';
import { AuditQueryService } from './audit-query.service';
import { ChainVerification } from './audit-verifier';
import { AuditChainVerificationDto, AuditEventPageDto } from './dto/audit-event.dto';
import { ExportAuditEventsDto } from './dto/export-audit-events.dto';
import { ListAuditEventsDto } from './dto/list-audit-events.dto';

/** The practice's audit log, for its administrators. Reading it is itself audited. */
@ApiTags('audit')
@ApiBearerAuth('bearer')
@Roles('admin')
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
    description: 'Filters narrow the list; pages follow `nextCursor`.',
  })
  @ApiOkResponse({ type: AuditEventPageDto })
  list(
    @CurrentActor() actor: StaffActor,
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
      'exact values. A response cut short by an error ends without completing, never cleanly.',
  })
  @ApiOkResponse({
    description: 'One event per line (NDJSON), or one per record after a header row (CSV)',
    content: {
      'application/x-ndjson': { schema: { type: 'string' } },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  export(
    @CurrentActor() actor: StaffActor,
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
      'removed or slipped in.',
  })
  @ApiOkResponse({ type: AuditChainVerificationDto })
  verify(@CurrentActor() actor: StaffActor): Promise<ChainVerification> {
    return this.queries.verify(actor);
  }
}

import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Caller } from '../common/actor/actor';
import { CurrentCaller, Scope } from '../common/actor/decorators';
import { CHANGE_FEED_ERRORS } from './change-feed-errors';
import { ChangeFeedQueryDto, ChangePage } from './change-feed.dto';
import { ChangeFeedService } from './change-feed.service';

@ApiTags('change feed')
@ApiBearerAuth('bearer')
@Controller('changes')
export class ChangeFeedController {
  constructor(private readonly feed: ChangeFeedService) {}

  @Get()
  @Scope('clients:read')
  @ApiOperation({
    operationId: 'listChanges',
    summary: 'What changed among the clients, family members, sessions, notes and cases you reach',
    description:
      'Start without a cursor, then always send the last `nextCursor`. Entries are ids (read the record at its usual address); a record changed several times may appear several times. Ordered by commit, so paging while others write never misses a change. Each page is audited like a list. An API key needs `clients:read`; it sees sessions only with `sessions:read` and notes only with `notes:read`, and never cases (no API key may read them). A staff member sees the changes of a case (opening, edits, status, members) when they may read the case. Entries are kept `CHANGE_FEED_RETENTION_DAYS` (90 by default): a cursor behind what was purged answers 410 `' +
      CHANGE_FEED_ERRORS.cursorExpired.code +
      '`, and the integrator resyncs (reads the lists, then follows the feed from a fresh start) rather than silently missing changes.',
  })
  @ApiOkResponse({ type: ChangePage })
  changes(@CurrentCaller() actor: Caller, @Query() query: ChangeFeedQueryDto): Promise<ChangePage> {
    return this.feed.changes(actor, query);
  }
}

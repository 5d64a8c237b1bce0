import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { StaffActor } from '../common/actor/actor';
import { CurrentActor } from '../common/actor/decorators';
import { ChangeFeedQueryDto, ChangePage } from './change-feed.dto';
import { ChangeFeedService } from './change-feed.service';

@ApiTags('change feed')
@ApiBearerAuth('bearer')
@Controller('changes')
export class ChangeFeedController {
  constructor(private readonly feed: ChangeFeedService) {}

  @Get()
  @ApiOperation({
    operationId: 'listChanges',
    summary: 'What changed among the clients, family members, sessions and notes you reach',
    description:
      'Start without a cursor, then always send the last `nextCursor`. Entries are ids (read the record at its usual address); a record changed several times may appear several times. Ordered by commit, so paging while others write never misses a change. Each page is audited like a list.',
  })
  @ApiOkResponse({ type: ChangePage })
  changes(
    @CurrentActor() actor: StaffActor,
    @Query() query: ChangeFeedQueryDto,
  ): Promise<ChangePage> {
    return this.feed.changes(actor, query);
  }
}

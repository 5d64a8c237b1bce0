import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { StaffActor } from '../common/actor/actor';
import { CurrentActor, Public, Roles } from '../common/actor/decorators';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import {
  CalendarFeedPage,
  CreateCalendarFeedDto,
  CreatedCalendarFeedView,
} from './calendar-feed.dto';
import { CalendarFeedsService } from './calendar-feeds.service';
import { NoIdempotencyKey } from '../common/idempotency/idempotency.decorators';

@ApiTags('calendar feeds')
@Controller('calendar-feeds')
export class CalendarFeedsController {
  constructor(private readonly feeds: CalendarFeedsService) {}

  @Post()
  @Roles('counselor', 'supervisor')
  @ApiBearerAuth('bearer')
  @ApiOperation({
    operationId: 'createCalendarFeed',
    summary: 'Create a secret ICS feed of your sessions for your calendar app (clinicians)',
    description: 'The answer holds the feed address once; only its hash is kept.',
  })
  @NoIdempotencyKey('replaying the answer would mean storing the secret feed address')
  @ApiCreatedResponse({ type: CreatedCalendarFeedView })
  create(
    @CurrentActor() actor: StaffActor,
    @Body() body: CreateCalendarFeedDto,
  ): Promise<CreatedCalendarFeedView> {
    return this.feeds.create(actor, body);
  }

  @Get()
  @ApiBearerAuth('bearer')
  @ApiOperation({
    operationId: 'listCalendarFeeds',
    summary: 'Your active calendar feeds (their addresses are not shown again)',
  })
  @ApiOkResponse({ type: CalendarFeedPage })
  async list(@CurrentActor() actor: StaffActor): Promise<CalendarFeedPage> {
    return { data: await this.feeds.list(actor), nextCursor: null };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiBearerAuth('bearer')
  @ApiOperation({
    operationId: 'revokeCalendarFeed',
    summary: 'Revoke one of your calendar feeds: its address answers 404 from now on',
  })
  @ApiNoContentResponse()
  revoke(@CurrentActor() actor: StaffActor, @Param('id', UuidParamPipe) id: string): Promise<void> {
    return this.feeds.revoke(actor, id);
  }

  // Calendar apps cannot send a bearer token: the secret in the address is the credential.
  @Public()
  @Get(':token.ics')
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @ApiOperation({
    operationId: 'getCalendarFeedIcs',
    summary:
      'The feed itself (iCalendar), for calendar apps: no bearer token, the address is the secret',
    description:
      'Sessions from 30 days ago to 180 days ahead where the feed owner is counselor or co-therapist. Shows modality, client number and initials, times in UTC and status; the location of in-person sessions only. Never names, notes or telehealth links. Unknown or revoked: 404.',
  })
  @ApiProduces('text/calendar')
  @ApiOkResponse({ description: 'RFC 5545 calendar', schema: { type: 'string' } })
  exportFeed(@Param('token') token: string): Promise<string> {
    return this.feeds.exportFeed(token);
  }
}

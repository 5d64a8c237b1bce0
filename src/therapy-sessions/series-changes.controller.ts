import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { StaffActor } from '../common/actor/actor';
import { CurrentActor } from '../common/actor/decorators';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import {
  ChangeSeriesAttendeesDto,
  EndSeriesDto,
  MoveSeriesDto,
  SeriesAttendeesView,
  SeriesEndView,
  SeriesMoveView,
} from './dto/series-change.dto';
import { SeriesChangesService } from './series-changes.service';

@ApiTags('therapy sessions')
@ApiBearerAuth('bearer')
@Controller('therapy-sessions/series/:seriesId')
export class SeriesChangesController {
  constructor(private readonly series: SeriesChangesService) {}

  @Post('end')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'endTherapySessionSeries',
    summary: 'End a series: its scheduled occurrences from a date on are cancelled',
  })
  @ApiOkResponse({ type: SeriesEndView })
  end(
    @CurrentActor() actor: StaffActor,
    @Param('seriesId', UuidParamPipe) seriesId: string,
    @Body() body: EndSeriesDto,
  ): Promise<SeriesEndView> {
    return this.series.end(actor, seriesId, body);
  }

  @Post('move')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'moveTherapySessionSeries',
    summary:
      'Move the scheduled occurrences from a date on; a conflict refuses the whole move (409 listing each) unless skipConflicts',
  })
  @ApiOkResponse({ type: SeriesMoveView })
  move(
    @CurrentActor() actor: StaffActor,
    @Param('seriesId', UuidParamPipe) seriesId: string,
    @Body() body: MoveSeriesDto,
  ): Promise<SeriesMoveView> {
    return this.series.move(actor, seriesId, body);
  }

  @Post('attendees')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'changeTherapySessionSeriesAttendees',
    summary:
      'Set the invited case persons and other attendees of every scheduled occurrence from a date on',
  })
  @ApiOkResponse({ type: SeriesAttendeesView })
  changeAttendees(
    @CurrentActor() actor: StaffActor,
    @Param('seriesId', UuidParamPipe) seriesId: string,
    @Body() body: ChangeSeriesAttendeesDto,
  ): Promise<SeriesAttendeesView> {
    return this.series.changeAttendees(actor, seriesId, body);
  }
}

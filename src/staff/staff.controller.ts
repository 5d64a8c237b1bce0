import { ApiEtagHeader } from '../common/http/response-headers.decorators';
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { StaffActor } from '../common/actor/actor';
import { CurrentActor, Roles } from '../common/actor/decorators';
import { withEtag } from '../common/http/etag';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import {
  CreateStaffDto,
  CreatedStaffView,
  ListStaffQueryDto,
  StaffPage,
  StaffView,
  UpdateStaffDto,
} from './dto/staff.dto';
import { StaffService } from './staff.service';
import { NoIdempotencyKey } from '../common/idempotency/idempotency.decorators';

@ApiTags('staff')
@ApiBearerAuth('bearer')
@Roles('admin')
@Controller('staff')
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @Post()
  @ApiOperation({
    operationId: 'createStaffMember',
    summary: 'Add a staff member (with a password, or get a one-time set-password token)',
  })
  @ApiCreatedResponse({ type: CreatedStaffView })
  @NoIdempotencyKey(
    'the answer may hold a one-time set-password token, which a replay would have to store; a repeat answers 409 (the email is taken)',
  )
  create(
    @CurrentActor() actor: StaffActor,
    @Body() body: CreateStaffDto,
  ): Promise<CreatedStaffView> {
    return this.staff.create(actor, body);
  }

  @Get()
  @ApiOperation({ operationId: 'listStaff', summary: "List the practice's staff, by name" })
  @ApiOkResponse({ type: StaffPage })
  list(@CurrentActor() actor: StaffActor, @Query() query: ListStaffQueryDto): Promise<StaffPage> {
    return this.staff.list(actor, query);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getStaffMember', summary: 'Read a staff member (with ETag)' })
  @ApiOkResponse({ type: StaffView })
  @ApiEtagHeader()
  async get(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StaffView> {
    return withEtag(response, await this.staff.get(actor, id));
  }

  @Patch(':id')
  @ApiOperation({
    operationId: 'updateStaffMember',
    summary: 'Change name, role, supervisor or co-signature requirement',
  })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'ETag from a previous read; 412 if it changed',
  })
  @ApiOkResponse({ type: StaffView })
  @ApiEtagHeader()
  async update(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
    @Body() body: UpdateStaffDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StaffView> {
    return withEtag(response, await this.staff.update(actor, id, body, ifMatch));
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'deactivateStaffMember',
    summary: 'Deactivate: ends sign-in and refresh tokens now (the record stays)',
  })
  @ApiOkResponse({ type: StaffView })
  @ApiEtagHeader()
  async deactivate(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StaffView> {
    return withEtag(response, await this.staff.deactivate(actor, id));
  }

  @Post(':id/reactivate')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'reactivateStaffMember',
    summary: 'Reactivate a deactivated staff member',
  })
  @ApiOkResponse({ type: StaffView })
  @ApiEtagHeader()
  async reactivate(
    @CurrentActor() actor: StaffActor,
    @Param('id', UuidParamPipe) id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StaffView> {
    return withEtag(response, await this.staff.reactivate(actor, id));
  }
}

import { withEtag } from '../common/http/etag';
import { ApiEtagHeader, ApiIfMatch } from '../common/http/response-headers.decorators';
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseIntPipe,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { StaffActor } from '../common/actor/actor';
import { CurrentActor } from '../common/actor/decorators';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { clientHolder } from '../parties/record-holder';
import { AgreementLifecycleService } from './agreement-lifecycle.service';
import {
  AcknowledgeDto,
  AgreementVersionPage,
  AgreementVersionView,
  AgreementPage,
  AgreementView,
  ChangeAgreementStatusDto,
  CreateAgreementDto,
  ListAgreementsQueryDto,
  ListViolationsQueryDto,
  ReportViolationDto,
  UpdateAgreementDto,
  ViolationPage,
  ViolationView,
} from './boundary-agreement.dto';
import { BoundaryAgreementsQueryService } from './boundary-agreements-query.service';
import { BoundaryAgreementsService } from './boundary-agreements.service';
import { BoundaryViolationsService } from './boundary-violations.service';

@ApiTags('boundary agreements')
@ApiBearerAuth('bearer')
@Controller('clients/:clientId/boundary-agreements')
export class BoundaryAgreementsController {
  constructor(
    private readonly agreements: BoundaryAgreementsService,
    private readonly lifecycle: AgreementLifecycleService,
    private readonly violations: BoundaryViolationsService,
  ) {}

  @Post()
  @ApiOperation({
    operationId: 'createBoundaryAgreement',
    summary: 'Draft an agreement among two or more parties of the client',
  })
  @ApiCreatedResponse({ type: AgreementView })
  @ApiEtagHeader()
  async create(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Body() body: CreateAgreementDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AgreementView> {
    return withEtag(response, await this.agreements.create(actor, clientHolder(clientId), body));
  }

  @Get()
  @ApiOperation({ operationId: 'listBoundaryAgreements', summary: "The client's agreements" })
  @ApiOkResponse({ type: AgreementPage })
  async list(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
  ): Promise<AgreementPage> {
    return { data: await this.agreements.listFor(actor, clientHolder(clientId)), nextCursor: null };
  }

  @Get(':agreementId')
  @ApiOperation({
    operationId: 'getBoundaryAgreement',
    summary:
      'Read an agreement: its current terms, acknowledgments and violation counts (with ETag)',
  })
  @ApiOkResponse({ type: AgreementView })
  @ApiEtagHeader()
  async get(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('agreementId', UuidParamPipe) id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AgreementView> {
    return withEtag(response, await this.agreements.get(actor, clientHolder(clientId), id));
  }

  @Patch(':agreementId')
  @ApiOperation({
    operationId: 'updateBoundaryAgreement',
    summary:
      'Change title or review date; new items make a new version (acknowledgments start over)',
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: AgreementView })
  async update(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('agreementId', UuidParamPipe) id: string,
    @Body() body: UpdateAgreementDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AgreementView> {
    return withEtag(
      response,
      await this.agreements.update(actor, clientHolder(clientId), id, body, ifMatch),
    );
  }

  @Post(':agreementId/status')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'changeBoundaryAgreementStatus',
    summary:
      'draft → proposed → active → under_review → active | retired (active needs every acknowledgment)',
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: AgreementView })
  async changeStatus(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('agreementId', UuidParamPipe) id: string,
    @Body() body: ChangeAgreementStatusDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AgreementView> {
    return withEtag(
      response,
      await this.lifecycle.changeStatus(actor, clientHolder(clientId), id, body.status, ifMatch),
    );
  }

  @Post(':agreementId/acknowledgments')
  @ApiOperation({
    operationId: 'acknowledgeBoundaryAgreement',
    summary: "Record a party's acknowledgment of the current version",
  })
  @ApiCreatedResponse({ type: AgreementView })
  @ApiEtagHeader()
  async acknowledge(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('agreementId', UuidParamPipe) id: string,
    @Body() body: AcknowledgeDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AgreementView> {
    return withEtag(
      response,
      await this.lifecycle.acknowledge(actor, clientHolder(clientId), id, body),
    );
  }

  @Get(':agreementId/versions')
  @ApiOperation({
    operationId: 'listBoundaryAgreementVersions',
    summary: 'The versions of the terms',
  })
  @ApiOkResponse({ type: AgreementVersionPage })
  async versions(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('agreementId', UuidParamPipe) id: string,
  ): Promise<AgreementVersionPage> {
    return {
      data: await this.agreements.listVersions(actor, clientHolder(clientId), id),
      nextCursor: null,
    };
  }

  @Get(':agreementId/versions/:number')
  @ApiOperation({
    operationId: 'getBoundaryAgreementVersion',
    summary: 'One version of the terms, with its acknowledgments',
  })
  @ApiOkResponse({ type: AgreementVersionView })
  version(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('agreementId', UuidParamPipe) id: string,
    @Param('number', ParseIntPipe) number: number,
  ): Promise<AgreementVersionView> {
    return this.agreements.getVersion(actor, clientHolder(clientId), id, number);
  }

  @Post(':agreementId/violations')
  @ApiOperation({
    operationId: 'reportBoundaryViolation',
    summary: 'Log a crossed boundary against its item',
  })
  @ApiCreatedResponse({ type: ViolationView })
  report(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('agreementId', UuidParamPipe) id: string,
    @Body() body: ReportViolationDto,
  ): Promise<ViolationView> {
    return this.violations.report(actor, clientHolder(clientId), id, body);
  }

  @Get(':agreementId/violations')
  @ApiOperation({
    operationId: 'listBoundaryViolations',
    summary: 'Violations of the agreement (filter by item), newest first',
  })
  @ApiOkResponse({ type: ViolationPage })
  violationsOf(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('agreementId', UuidParamPipe) id: string,
    @Query() query: ListViolationsQueryDto,
  ): Promise<ViolationPage> {
    return this.violations.list(actor, clientHolder(clientId), id, query);
  }

  @Post(':agreementId/violations/:violationId/resolve')
  @HttpCode(200)
  @ApiOperation({ operationId: 'resolveBoundaryViolation', summary: 'Mark a violation resolved' })
  @ApiOkResponse({ type: ViolationView })
  resolve(
    @CurrentActor() actor: StaffActor,
    @Param('clientId', UuidParamPipe) clientId: string,
    @Param('agreementId', UuidParamPipe) id: string,
    @Param('violationId', UuidParamPipe) violationId: string,
  ): Promise<ViolationView> {
    return this.violations.resolve(actor, clientHolder(clientId), id, violationId);
  }
}

@ApiTags('boundary agreements')
@ApiBearerAuth('bearer')
@Controller('boundary-agreements')
export class BoundaryReviewsController {
  constructor(private readonly query: BoundaryAgreementsQueryService) {}

  @Get()
  @ApiOperation({
    operationId: 'listBoundaryAgreementsForReview',
    summary: 'Agreements across your caseload; reviewDue=true for those due for review',
  })
  @ApiOkResponse({ type: AgreementPage })
  list(
    @CurrentActor() actor: StaffActor,
    @Query() query: ListAgreementsQueryDto,
  ): Promise<AgreementPage> {
    return this.query.list(actor, query);
  }
}

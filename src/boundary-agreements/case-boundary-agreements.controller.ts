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
import { withEtag } from '../common/http/etag';
import {
  ApiEtagHeader,
  ApiLocationHeader,
  ApiIfMatch,
} from '../common/http/response-headers.decorators';
import { UuidParamPipe } from '../common/http/uuid-param.pipe';
import { caseHolder } from '../parties/record-holder';
import { AgreementLifecycleService } from './agreement-lifecycle.service';
import {
  AcknowledgeDto,
  AgreementPage,
  AgreementVersionPage,
  AgreementVersionView,
  AgreementView,
  ChangeAgreementStatusDto,
  CreateAgreementDto,
  ListViolationsQueryDto,
  ReportViolationDto,
  UpdateAgreementDto,
  ViolationPage,
  ViolationView,
} from './boundary-agreement.dto';
import { BoundaryViolationsService } from './boundary-violations.service';
import { BoundaryAgreementsService } from './boundary-agreements.service';

/**
 * Agreements a family case holds: among any persons of the case, reached by the case's care team
 * (the same services as a client's agreements, with the case as holder).
 */
@ApiTags('boundary agreements')
@ApiBearerAuth('bearer')
@Controller('cases/:caseId/boundary-agreements')
export class CaseBoundaryAgreementsController {
  constructor(
    private readonly agreements: BoundaryAgreementsService,
    private readonly lifecycle: AgreementLifecycleService,
    private readonly violations: BoundaryViolationsService,
  ) {}

  @Post()
  @ApiOperation({
    operationId: 'createCaseBoundaryAgreement',
    summary: 'Draft an agreement among two or more persons of the case',
  })
  @ApiCreatedResponse({ type: AgreementView })
  @ApiLocationHeader()
  @ApiEtagHeader()
  async create(
    @CurrentActor() actor: StaffActor,
    @Param('caseId', UuidParamPipe) caseId: string,
    @Body() body: CreateAgreementDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AgreementView> {
    const created = await this.agreements.create(actor, caseHolder(caseId), body);
    response.setHeader(
      'Location',
      `/api/v1/cases/${caseId}/boundary-agreements/${created.view.id}`,
    );
    return withEtag(response, created);
  }

  @Get()
  @ApiOperation({ operationId: 'listCaseBoundaryAgreements', summary: 'The case’s agreements' })
  @ApiOkResponse({ type: AgreementPage })
  async list(
    @CurrentActor() actor: StaffActor,
    @Param('caseId', UuidParamPipe) caseId: string,
  ): Promise<AgreementPage> {
    return { data: await this.agreements.listFor(actor, caseHolder(caseId)), nextCursor: null };
  }

  @Get(':agreementId')
  @ApiOperation({
    operationId: 'getCaseBoundaryAgreement',
    summary: 'Read a case’s agreement: its current terms and acknowledgments (with ETag)',
  })
  @ApiOkResponse({ type: AgreementView })
  @ApiEtagHeader()
  async get(
    @CurrentActor() actor: StaffActor,
    @Param('caseId', UuidParamPipe) caseId: string,
    @Param('agreementId', UuidParamPipe) id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AgreementView> {
    return withEtag(response, await this.agreements.get(actor, caseHolder(caseId), id));
  }

  @Patch(':agreementId')
  @ApiOperation({
    operationId: 'updateCaseBoundaryAgreement',
    summary:
      'Change title or review date of a case’s agreement; new items make a new version (acknowledgments start over)',
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: AgreementView })
  async update(
    @CurrentActor() actor: StaffActor,
    @Param('caseId', UuidParamPipe) caseId: string,
    @Param('agreementId', UuidParamPipe) id: string,
    @Body() body: UpdateAgreementDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AgreementView> {
    return withEtag(
      response,
      await this.agreements.update(actor, caseHolder(caseId), id, body, ifMatch),
    );
  }

  @Post(':agreementId/status')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'changeCaseBoundaryAgreementStatus',
    summary: 'Move a case’s agreement through its statuses (active needs every acknowledgment)',
  })
  @ApiIfMatch()
  @ApiOkResponse({ type: AgreementView })
  async changeStatus(
    @CurrentActor() actor: StaffActor,
    @Param('caseId', UuidParamPipe) caseId: string,
    @Param('agreementId', UuidParamPipe) id: string,
    @Body() body: ChangeAgreementStatusDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AgreementView> {
    return withEtag(
      response,
      await this.lifecycle.changeStatus(actor, caseHolder(caseId), id, body.status, ifMatch),
    );
  }

  @Post(':agreementId/acknowledgments')
  @ApiOperation({
    operationId: 'acknowledgeCaseBoundaryAgreement',
    summary: 'Record a person’s acknowledgment of the current version of a case’s agreement',
  })
  @ApiCreatedResponse({ type: AgreementView })
  @ApiEtagHeader()
  async acknowledge(
    @CurrentActor() actor: StaffActor,
    @Param('caseId', UuidParamPipe) caseId: string,
    @Param('agreementId', UuidParamPipe) id: string,
    @Body() body: AcknowledgeDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AgreementView> {
    return withEtag(
      response,
      await this.lifecycle.acknowledge(actor, caseHolder(caseId), id, body),
    );
  }

  @Get(':agreementId/versions')
  @ApiOperation({
    operationId: 'listCaseBoundaryAgreementVersions',
    summary: 'The versions of a case’s agreement',
  })
  @ApiOkResponse({ type: AgreementVersionPage })
  async versions(
    @CurrentActor() actor: StaffActor,
    @Param('caseId', UuidParamPipe) caseId: string,
    @Param('agreementId', UuidParamPipe) id: string,
  ): Promise<AgreementVersionPage> {
    return {
      data: await this.agreements.listVersions(actor, caseHolder(caseId), id),
      nextCursor: null,
    };
  }

  @Get(':agreementId/versions/:number')
  @ApiOperation({
    operationId: 'getCaseBoundaryAgreementVersion',
    summary: 'One version of a case’s agreement, with its acknowledgments',
  })
  @ApiOkResponse({ type: AgreementVersionView })
  version(
    @CurrentActor() actor: StaffActor,
    @Param('caseId', UuidParamPipe) caseId: string,
    @Param('agreementId', UuidParamPipe) id: string,
    @Param('number', ParseIntPipe) number: number,
  ): Promise<AgreementVersionView> {
    return this.agreements.getVersion(actor, caseHolder(caseId), id, number);
  }

  @Post(':agreementId/violations')
  @ApiOperation({
    operationId: 'reportCaseBoundaryViolation',
    summary:
      'Log a crossed boundary of a case’s agreement against its item (reported by a person of it)',
  })
  @ApiCreatedResponse({ type: ViolationView })
  report(
    @CurrentActor() actor: StaffActor,
    @Param('caseId', UuidParamPipe) caseId: string,
    @Param('agreementId', UuidParamPipe) id: string,
    @Body() body: ReportViolationDto,
  ): Promise<ViolationView> {
    return this.violations.report(actor, caseHolder(caseId), id, body);
  }

  @Get(':agreementId/violations')
  @ApiOperation({
    operationId: 'listCaseBoundaryViolations',
    summary: 'Violations of a case’s agreement (filter by item), newest first',
  })
  @ApiOkResponse({ type: ViolationPage })
  violationsOf(
    @CurrentActor() actor: StaffActor,
    @Param('caseId', UuidParamPipe) caseId: string,
    @Param('agreementId', UuidParamPipe) id: string,
    @Query() query: ListViolationsQueryDto,
  ): Promise<ViolationPage> {
    return this.violations.list(actor, caseHolder(caseId), id, query);
  }

  @Post(':agreementId/violations/:violationId/resolve')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'resolveCaseBoundaryViolation',
    summary: 'Mark a violation of a case’s agreement resolved',
  })
  @ApiOkResponse({ type: ViolationView })
  resolve(
    @CurrentActor() actor: StaffActor,
    @Param('caseId', UuidParamPipe) caseId: string,
    @Param('agreementId', UuidParamPipe) id: string,
    @Param('violationId', UuidParamPipe) violationId: string,
  ): Promise<ViolationView> {
    return this.violations.resolve(actor, caseHolder(caseId), id, violationId);
  }
}

import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Headers, HttpCode } from '@nestjs/common';
import {
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Public } from '../common/actor/decorators';
import { AppConfig } from '../config/app-config';
import { ReadinessService, type ReadinessDetails } from './readiness.service';

class HealthStatus {
  /** `ok` when the check passed. */
  status!: 'ok';
}

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  private readonly detailsTokenDigest?: Buffer;

  constructor(
    private readonly readiness: ReadinessService,
    private readonly config: AppConfig,
  ) {
    if (config.healthDetailsToken) this.detailsTokenDigest = digest(config.healthDetailsToken);
  }

  @Get('live')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'checkLiveness',
    summary: 'Liveness: the process is up and serving HTTP',
  })
  @ApiOkResponse({ type: HealthStatus })
  live(): HealthStatus {
    return { status: 'ok' };
  }

  @Get('ready')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'checkReadiness',
    summary: 'Readiness: the API can serve requests (database reachable, not draining)',
  })
  @ApiHeader({
    name: 'Authorization',
    required: false,
    description:
      '`Bearer <HEALTH_DETAILS_TOKEN>` adds details for operators (database, migrations, audit sealer)',
  })
  @ApiOkResponse({ type: HealthStatus })
  @ApiServiceUnavailableResponse({
    description: 'Draining for shutdown, the database is unreachable or lacks a migration',
  })
  async ready(
    @Headers('authorization') authorization?: string,
  ): Promise<HealthStatus | ReadinessDetails> {
    const details = await this.readiness.check(this.config.version, this.maysee(authorization));
    return details ?? { status: 'ok' };
  }

  /** Compares digests, so neither the token's length nor its prefix leaks through timing. */
  private maysee(authorization: string | undefined): boolean {
    if (!this.detailsTokenDigest || !authorization?.startsWith('Bearer ')) return false;
    return timingSafeEqual(digest(authorization.slice('Bearer '.length)), this.detailsTokenDigest);
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

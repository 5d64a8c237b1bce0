import { Controller, Get, HttpCode } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Public } from '../common/actor/decorators';
import { ServiceUnavailableProblem } from '../common/problem/problem';
import { ShutdownState } from './shutdown-state';

class HealthStatus {
  /** `ok` when the check passed. */
  status!: 'ok';
}

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly shutdown: ShutdownState,
  ) {}

  @Get('live')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process is up and serving HTTP' })
  @ApiOkResponse({ type: HealthStatus })
  live(): HealthStatus {
    return { status: 'ok' };
  }

  @Get('ready')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Readiness: the API can serve requests (database reachable, not draining)',
  })
  @ApiOkResponse({ type: HealthStatus })
  @ApiServiceUnavailableResponse({
    description: 'Draining for shutdown, or the database is unreachable',
  })
  async ready(): Promise<HealthStatus> {
    if (this.shutdown.isDraining) {
      throw new ServiceUnavailableProblem('The API is shutting down.', 1);
    }
    await this.dataSource.query('SELECT 1');
    return { status: 'ok' };
  }
}

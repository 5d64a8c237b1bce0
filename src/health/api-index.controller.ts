import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/actor/decorators';
import { AppConfig } from '../config/app-config';

class ApiIndexLinks {
  @ApiProperty({ example: '/docs', required: false, description: 'Swagger UI, when enabled' })
  docs?: string;

  @ApiProperty({ example: '/docs-json', required: false })
  openapi?: string;

  @ApiProperty({ example: '/health/live' })
  live!: string;

  @ApiProperty({ example: '/health/ready' })
  ready!: string;

  @ApiProperty({ example: '/metrics', required: false })
  metrics?: string;

  @ApiProperty({ example: '/api/v1/auth/login' })
  login!: string;
}

class ApiIndex {
  @ApiProperty({ example: 'Family therapy case management API' })
  name!: string;

  @ApiProperty({ example: '0.1.0' })
  version!: string;

  @ApiProperty({ type: ApiIndexLinks })
  links!: ApiIndexLinks;
}

/** `GET /api/v1`: where a newcomer (or a tool) finds its way, instead of a 404. */
@ApiTags('health')
@Public()
@Controller()
export class ApiIndexController {
  constructor(private readonly config: AppConfig) {}

  @Get()
  @ApiOperation({
    operationId: 'getApiIndex',
    summary: 'The API: its version and links to the docs and health checks',
  })
  @ApiOkResponse({ type: ApiIndex })
  index(): ApiIndex {
    const { docsEnabled, metrics } = this.config;
    return {
      name: 'Family therapy case management API',
      version: this.config.version,
      links: {
        ...(docsEnabled ? { docs: '/docs', openapi: '/docs-json' } : {}),
        live: '/health/live',
        ready: '/health/ready',
        ...(metrics.enabled && metrics.port === undefined ? { metrics: '/metrics' } : {}),
        login: '/api/v1/auth/login',
      },
    };
  }
}

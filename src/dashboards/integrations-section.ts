import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { EntityManager } from 'typeorm';
import { queryPrepared } from '../common/sql/prepared';

export class DisabledEndpointView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uri' }) url!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ format: 'date-time' }) disabledAt!: string;
  @ApiProperty({
    enum: ['consecutive_failures', 'manual'],
    description:
      '`consecutive_failures`: the delivery worker disabled it (`WEBHOOK_DISABLE_AFTER_FAILURES` failed attempts in a row); `manual`: an admin did',
  })
  disabledReason!: 'consecutive_failures' | 'manual';
  @ApiProperty({ description: 'Failed attempts in a row when it was disabled' })
  consecutiveFailures!: number;
}

export class IntegrationsSectionView {
  @ApiProperty({
    type: [DisabledEndpointView],
    description: 'Webhook endpoints that receive nothing until re-enabled, latest first',
  })
  disabledEndpoints!: DisabledEndpointView[];
  @ApiProperty({
    description: 'Webhook deliveries being retried after at least one failed attempt',
  })
  failingDeliveries!: number;
}

interface SectionRow {
  disabled: (Omit<DisabledEndpointView, 'disabledAt'> & { disabledAt: string })[];
  failing: number;
}

/**
 * The admin's view of the practice's integrations, in one statement of its own (the team figures'
 * statement is left alone): at most 20 endpoints, and a count served by a partial index.
 */
export async function integrationsSection(
  manager: EntityManager,
  practiceId: string,
): Promise<IntegrationsSectionView> {
  const [row] = await queryPrepared<SectionRow>(
    manager,
    `SELECT coalesce((SELECT json_agg(json_build_object(
                'id', e.id, 'url', e.url, 'description', e.description, 'disabledAt', e.disabled_at,
                'disabledReason', e.disabled_reason, 'consecutiveFailures', e.consecutive_failures)
              ORDER BY e.disabled_at DESC, e.id)
              FROM webhook_endpoints e WHERE e.practice_id = $1 AND NOT e.enabled), '[]') AS disabled,
            (SELECT count(*)::int FROM webhook_deliveries d
              WHERE d.practice_id = $1 AND d.status IN ('pending', 'delivering') AND d.attempts > 0) AS failing`,
    [practiceId],
  );
  return {
    disabledEndpoints: (row?.disabled ?? []).map((endpoint) => ({
      ...endpoint,
      disabledAt: new Date(endpoint.disabledAt).toISOString(),
    })),
    failingDeliveries: row?.failing ?? 0,
  };
}

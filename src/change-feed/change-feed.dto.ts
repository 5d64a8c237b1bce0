import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayUnique, IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../common/pagination/cursor';

export const CHANGE_RESOURCE_TYPES = [
  'client',
  'family_member',
  'therapy_session',
  'session_note',
  'case',
] as const;
export type ChangeResourceType = (typeof CHANGE_RESOURCE_TYPES)[number];

export class ChangeFeedQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: CHANGE_RESOURCE_TYPES,
    isArray: true,
    description:
      'Repeated (`types=client&types=session`) or comma-separated (`types=client,session`); all when left out. `case` is for staff callers: an API key sees no cases (it cannot read them), so asking for `case` alone with a key answers an empty page.',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.split(',').map((part) => part.trim()) : value,
  )
  @ArrayUnique()
  @IsIn(CHANGE_RESOURCE_TYPES, { each: true })
  types?: ChangeResourceType[];
}

export class ChangeView {
  @ApiProperty({ enum: CHANGE_RESOURCE_TYPES }) resourceType!: ChangeResourceType;
  @ApiProperty({ format: 'uuid', description: 'Read the record itself at its usual address' })
  id!: string;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The client the record belongs to; null for a case (a case may hold several)',
  })
  clientId!: string | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description:
      'For a `case` entry, the case (same as `id`); null otherwise. A change of its members is a change of the case.',
  })
  caseId!: string | null;
  @ApiProperty({
    enum: ['upserted', 'deleted'],
    description:
      '`deleted` is a tombstone: the record (or its client, or the case) was marked entered-in-error; drop it.',
  })
  change!: 'upserted' | 'deleted';
  @ApiProperty({ format: 'date-time' }) changedAt!: string;
}

export class ChangePage {
  @ApiProperty({ type: [ChangeView] }) data!: ChangeView[];
  @ApiProperty({
    description:
      'Where to continue: never null. Keep it and ask again later to get what changed since; an empty page means nothing new yet.',
  })
  nextCursor!: string;
  @ApiProperty({ description: 'True when more changes are already waiting (ask again now)' })
  hasMore!: boolean;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsPlainText } from '../common/validation/decorators';

export class CreateCalendarFeedDto {
  @ApiPropertyOptional({
    example: 'Work phone',
    description:
      'Your own name for the feed, to tell your feeds apart; never put client details here',
  })
  @IsOptional()
  @IsPlainText(1, 100)
  label?: string;
}

export class CalendarFeedView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) label!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'date-time' }) lastFetchedAt!:
    string | null;
}

/** All your active feeds in one page (at most 20 exist): `nextCursor` is always null. */
export class CalendarFeedPage {
  @ApiProperty({ type: [CalendarFeedView] }) data!: CalendarFeedView[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class CreatedCalendarFeedView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) label!: string | null;

  @ApiProperty({
    example: '/api/v1/calendar-feeds/3q2-7wHfX0mN8b5a1kQeVtJp4sYzR6uLcGdA9oWiE2M.ics',
    description:
      'The secret subscription address (relative to the API host). Shown once: only a hash is kept. Anyone holding it sees your session times, client numbers and initials, so revoke it if it leaks.',
  })
  url!: string;

  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorSchema {
  @ApiProperty({ example: 'dateOfBirth', description: 'JSON path of the offending field' })
  field!: string;

  @ApiProperty({ example: 'must be a valid ISO 8601 date string' })
  message!: string;
}

/** RFC 9457 problem details: the body of every error response. */
export class ProblemDetailsSchema {
  @ApiProperty({
    example: 'urn:family-therapy:problem:validation-error',
    description:
      'What went wrong, as a stable URN `urn:family-therapy:problem:<code>`: match on it, not on `title` or `detail`. The known types are listed in this schema’s description and in `x-problem-types`; accept unknown ones as their status.',
  })
  type!: string;

  @ApiProperty({ example: 'Invalid request' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiProperty({ example: 'The request is not valid; see errors for each field.' })
  detail!: string;

  @ApiProperty({ example: '/api/v1/clients' })
  instance!: string;

  @ApiPropertyOptional({ description: 'The X-Request-Id of the request, for support' })
  requestId?: string;

  @ApiPropertyOptional({
    type: [FieldErrorSchema],
    description: 'Field-level errors (validation only)',
  })
  errors?: FieldErrorSchema[];
}

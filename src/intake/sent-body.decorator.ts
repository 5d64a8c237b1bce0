import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * The request body exactly as parsed from the JSON that was sent, before the validation pipe
 * turned it into a DTO (which trims and lower-cases emails). Use next to a validated `@Body()`:
 * once that has passed, this is the same body, kept as sent.
 */
export const SentBody = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Record<string, unknown> =>
    context.switchToHttp().getRequest<Request>().body as Record<string, unknown>,
);

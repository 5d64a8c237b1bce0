import { SetMetadata } from '@nestjs/common';
import { STAFF_AUTHOR_ONLY } from '../common/actor/decorators';
import { AUTH_ERRORS } from './auth-errors';

/** `@nestjs/swagger`'s key for `@ApiOperation` options (DECORATORS.API_OPERATION). */
const API_OPERATION_METADATA = 'swagger/apiOperation';

const DESCRIPTION = `Staff only: it records a clinician as its author, so an API key is refused with 403 \`${AUTH_ERRORS.staffAuthorRequired.code}\` whatever its scopes.`;

/**
 * A write that records a clinician's own act (writing or signing a note, co-signing, completing a
 * session, a check-in): no API key may call it, whatever its scopes, and the guard answers them 403
 * with {@link AUTH_ERRORS.staffAuthorRequired} rather than the generic missing-scope problem, so an
 * integrator learns it is a rule of the practice, not a scope to ask for.
 */
export const StaffAuthorOnly =
  (): MethodDecorator =>
  (target, key, descriptor): void => {
    SetMetadata(STAFF_AUTHOR_ONLY, true)(target, key, descriptor);
    // The OpenAPI document says it too. Decorators apply bottom-up, so this one sits above
    // `@ApiOperation` and finds its options already set; placed below, it would be overwritten.
    const handler = descriptor.value as object;
    const operation = Reflect.getMetadata(API_OPERATION_METADATA, handler) as
      { description?: string } | undefined;
    if (!operation) throw new Error('@StaffAuthorOnly() goes above @ApiOperation()');
    Reflect.defineMetadata(
      API_OPERATION_METADATA,
      {
        ...operation,
        description: [operation.description, DESCRIPTION].filter(Boolean).join('\n\n'),
      },
      handler,
    );
  };

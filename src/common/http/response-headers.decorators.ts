import { applyDecorators } from '@nestjs/common';
import { ApiExtension, ApiHeader } from '@nestjs/swagger';

/** Marks, for the OpenAPI document, an operation whose success answer carries `ETag`. */
export const ETAG_EXTENSION = 'x-answers-with-etag';
/** Marks, for the OpenAPI document, an operation whose success answer carries `Location`. */
export const LOCATION_EXTENSION = 'x-answers-with-location';

/** The answer carries the record's `ETag`, for `If-Match` on the next write. */
export const ApiEtagHeader = (): MethodDecorator => ApiExtension(ETAG_EXTENSION, true);
/** The created answer carries the new record's `Location`. */
export const ApiLocationHeader = (): MethodDecorator => ApiExtension(LOCATION_EXTENSION, true);

/** The operation honours `If-Match` (412 on a stale ETag) and answers with the new ETag. */
export const ApiIfMatch = (): MethodDecorator =>
  applyDecorators(
    ApiHeader({
      name: 'If-Match',
      required: false,
      description: 'ETag from a previous read; 412 if the record changed',
    }),
    ApiEtagHeader(),
  );

import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig } from './app-config';

/** Token of the application's JSON logger (pino). */
export const APP_LOGGER = Symbol('APP_LOGGER');

/** Makes the validated configuration and the logger injectable everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: AppConfig, useValue: config },
        { provide: APP_LOGGER, useValue: logger },
      ],
      exports: [AppConfig, APP_LOGGER],
    };
  }
}

import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';

/**
 * The TypeORM connection. The URL is decided before the app is built (embedded server or
 * `DATABASE_URL`) and migrations have already run by then; this module only connects.
 */
@Module({})
export class DatabaseModule {
  static forRoot(url: string): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            ...dataSourceOptions(config.database, url),
            // Fail fast at start: the caller decides whether to retry, not a hidden loop.
            retryAttempts: 0,
          }),
        }),
      ],
    };
  }
}

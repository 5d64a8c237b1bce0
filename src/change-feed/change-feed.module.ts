import { Module } from '@nestjs/common';
import { ChangeFeedController } from './change-feed.controller';
import { ChangeFeedService } from './change-feed.service';

/** The change feed that practice software syncs from (`GET /api/v1/changes`). */
@Module({ controllers: [ChangeFeedController], providers: [ChangeFeedService] })
export class ChangeFeedModule {}

import { createHash } from 'node:crypto';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { RateLimiter } from '../common/rate-limit/rate-limiter';
import { AppConfig } from '../config/app-config';

/**
 * Limits the public intake routes per link and per client IP address, before anything else runs
 * (body validation included), with counters in PostgreSQL so every API replica counts the same.
 * The link is counted by the hash of its token: the token itself is never stored, not even here.
 */
@Injectable()
export class IntakeRateLimitGuard implements CanActivate {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly config: AppConfig,
  ) {}

  async canActivate(execution: ExecutionContext): Promise<boolean> {
    const request = execution.switchToHttp().getRequest<Request>();
    const token = String(request.params.token ?? '');
    const { rateWindowSeconds, ratePerIp, ratePerToken } = this.config.intake;
    await this.limiter.hit(`intake:ip:${request.ip ?? 'unknown'}`, ratePerIp, rateWindowSeconds);
    await this.limiter.hit(
      `intake:token:${createHash('sha256').update(token, 'utf8').digest('hex')}`,
      ratePerToken,
      rateWindowSeconds,
    );
    return true;
  }
}

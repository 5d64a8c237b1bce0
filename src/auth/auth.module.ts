import { createSecretKey } from 'node:crypto';
import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ActorRateLimiter } from '../common/rate-limit/actor-rate-limiter';
import { RateLimiter } from '../common/rate-limit/rate-limiter';
import { AppConfig } from '../config/app-config';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { PasswordHasher } from './password-hasher';
import { SessionRevocations } from './session-revocations';
import { JWT_ALGORITHM, TokenService } from './token.service';

@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // A key object made once: given the secret as a string, the library first tries to parse it
        // as a public key on every call, which OpenSSL 3 makes slow (most of a read's CPU).
        secret: createSecretKey(Buffer.from(config.auth.jwtSecret, 'utf8')),
        signOptions: { algorithm: JWT_ALGORITHM },
        verifyOptions: { algorithms: [JWT_ALGORITHM] },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    TokenService,
    PasswordHasher,
    RateLimiter,
    ActorRateLimiter,
    SessionRevocations,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TokenService, PasswordHasher, RateLimiter],
})
export class AuthModule {}

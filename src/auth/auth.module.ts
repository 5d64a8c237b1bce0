import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { ActorRateLimiter } from '../common/rate-limit/actor-rate-limiter';
import { RateLimiter } from '../common/rate-limit/rate-limiter';
import { AppConfig } from '../config/app-config';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { PasswordHasher } from './password-hasher';
import { SessionRevocations } from './session-revocations';
import { ApiKeyStrategy } from './api-key.strategy';
import { JWT_ALGORITHM, JwtAccessStrategy, jwtSecretKey } from './jwt-access.strategy';
import { TokenService } from './token.service';

@Global()
@Module({
  imports: [
    PassportModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // A key object made once (see jwtSecretKey): never a string parsed again on every call.
        secret: jwtSecretKey(config),
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
    JwtAccessStrategy,
    ApiKeyStrategy,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [TokenService, PasswordHasher, RateLimiter],
})
export class AuthModule {}

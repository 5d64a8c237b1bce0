import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { StaffActor } from '../common/actor/actor';
import { AuthService } from './auth.service';
import { CurrentActor, Public } from '../common/actor/decorators';
import {
  ChangePasswordDto,
  LoginDto,
  RefreshTokenDto,
  SetPasswordDto,
  TokensResponse,
} from './dto/auth.dto';
import { NoIdempotencyKey } from '../common/idempotency/idempotency.decorators';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @NoIdempotencyKey(
    'it issues new tokens: a replay would mean storing them, and signing in twice is harmless',
  )
  @ApiOperation({ operationId: 'logIn', summary: 'Sign in with email and password' })
  @ApiOkResponse({ type: TokensResponse })
  async login(@Body() body: LoginDto): Promise<TokensResponse> {
    return { ...(await this.auth.login(body.email, body.password)), tokenType: 'Bearer' };
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @NoIdempotencyKey(
    'a refresh token is single-use by design (its reuse revokes the family); a replay would mean storing the new tokens',
  )
  @ApiOperation({
    operationId: 'refreshTokens',
    summary: 'Exchange a refresh token for new tokens (the old one is spent)',
  })
  @ApiOkResponse({ type: TokensResponse })
  async refresh(@Body() body: RefreshTokenDto): Promise<TokensResponse> {
    return { ...(await this.auth.refresh(body.refreshToken)), tokenType: 'Bearer' };
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'logOut',
    summary: 'Sign out: revoke the refresh token and its family',
  })
  @ApiNoContentResponse()
  logout(@Body() body: RefreshTokenDto): Promise<void> {
    return this.auth.logout(body.refreshToken);
  }

  @Post('change-password')
  @HttpCode(204)
  @ApiBearerAuth('bearer')
  @ApiOperation({
    operationId: 'changePassword',
    summary: 'Change your password; ends all your other sessions',
  })
  @ApiNoContentResponse()
  changePassword(
    @CurrentActor() actor: StaffActor,
    @Body() body: ChangePasswordDto,
  ): Promise<void> {
    return this.auth.changePassword(actor, body.currentPassword, body.newPassword);
  }

  @Public()
  @Post('set-password')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'setPassword',
    summary: 'Set your password with the one-time token from your administrator',
  })
  @ApiNoContentResponse()
  setPassword(@Body() body: SetPasswordDto): Promise<void> {
    return this.auth.setPassword(body.token, body.password);
  }
}

import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import { NormalizeEmail } from '../../common/validation/transforms';
import { MIN_PASSWORD_LENGTH } from '../password-hasher';

export class LoginDto {
  // Neither example is a real (demo) account's email or the demo password: the page is public.
  @ApiProperty({ example: 'your.name@your-practice.example' })
  @NormalizeEmail()
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'your own passphrase' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password!: string;
}

export class RefreshTokenDto {
  @ApiProperty({ description: 'The refresh token from login or the previous refresh' })
  @IsString()
  @MaxLength(200)
  refreshToken!: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  currentPassword!: string;

  @ApiProperty({ minLength: MIN_PASSWORD_LENGTH })
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(1024)
  newPassword!: string;
}

export class SetPasswordDto {
  @ApiProperty({ description: 'The one-time token given when the staff member was added' })
  @IsString()
  @MaxLength(200)
  token!: string;

  @ApiProperty({ minLength: MIN_PASSWORD_LENGTH })
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(1024)
  password!: string;
}

export class TokensResponse {
  @ApiProperty({ description: 'Short-lived JWT for `Authorization: Bearer …`' })
  accessToken!: string;

  @ApiProperty({ description: 'Single-use token for POST /auth/refresh' })
  refreshToken!: string;

  @ApiProperty({ description: 'Seconds until the access token expires', example: 900 })
  expiresIn!: number;

  @ApiProperty({ example: 'Bearer' })
  tokenType!: 'Bearer';
}

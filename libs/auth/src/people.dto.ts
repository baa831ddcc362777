import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
} from 'class-validator';
import { Omittable, PageQuery } from '@ocop/common';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './passwords';
import { ROLES, type Role } from './principal';

/** Emails are compared trimmed and lower-cased: "  Lan@HTX.vn " and "lan@htx.vn" are one person. */
const normalisedEmail = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  );

const passwordRule = () =>
  Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, {
    message: `password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`,
  });

export class CreateUserBody {
  @ApiProperty({ example: 'lan@haodat.example', description: 'trimmed and lower-cased; unique' })
  @normalisedEmail()
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be an email address' })
  email: string;

  @ApiProperty({ example: 'Nguyễn Thị Lan' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: Role;

  @ApiPropertyOptional({ format: 'uuid', description: 'required exactly when role is cooperative' })
  @IsOptional()
  @IsUUID()
  cooperativeId?: string;

  @ApiPropertyOptional({
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
    description: 'set the password at once (demo, tests); without it the answer carries an inviteUrl',
  })
  @IsOptional()
  @IsString()
  @passwordRule()
  password?: string;
}

export class UpdateUserBody {
  @ApiPropertyOptional() @Omittable() @IsString() @IsNotEmpty() @MaxLength(200) name?: string;

  @ApiPropertyOptional({
    enum: ROLES,
    description: 'to cooperative: give cooperativeId unless the person has one',
  })
  @Omittable()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ format: 'uuid', description: 'extension: the producer of a cooperative user' })
  @Omittable()
  @IsUUID()
  cooperativeId?: string;

  @ApiPropertyOptional({ description: 'true ends every session of the person at once' })
  @Omittable()
  @IsBoolean()
  disabled?: boolean;
}

export class UserListQuery extends PageQuery {}

export class SignInBody {
  @ApiProperty({ example: 'lan@haodat.example' })
  @normalisedEmail()
  @IsString()
  @IsNotEmpty()
  @MaxLength(254)
  email: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;
}

export class AcceptInviteBody {
  @ApiProperty({ description: 'the token of the inviteUrl (after "#/invite/")' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  token: string;

  @ApiProperty({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @passwordRule()
  password: string;
}

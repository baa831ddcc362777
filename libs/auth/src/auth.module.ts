import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKey } from './api-key.entity';
import { AuthGuard } from './auth.guard';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeyStore } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { MeController } from './me.controller';
import { InvitesController, SessionsController, UsersController } from './people.controllers';
import { peopleEntities } from './people.entities';
import { RateLimitsModule } from './rate-limits';
import { SessionStore } from './sessions.repository';
import { SessionsService } from './sessions.service';
import { UserStore } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([ApiKey, ...peopleEntities]), RateLimitsModule],
  controllers: [ApiKeysController, MeController, UsersController, SessionsController, InvitesController],
  providers: [
    ApiKeysService,
    UsersService,
    SessionsService,
    ApiKeyStore,
    UserStore,
    SessionStore,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [ApiKeysService, UsersService],
})
export class AuthModule {}

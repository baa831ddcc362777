import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiCaller, ApiErrors, BadRequest, ConnectorConfig, Forbidden, ParseIdPipe } from '@ocop/common';
import { sessionCookie } from './cookies';
import { AcceptInviteBody, CreateUserBody, SignInBody, UpdateUserBody, UserListQuery } from './people.dto';
import { userView } from './people.entities';
import { CurrentPrincipal, Public, Roles, type Principal } from './principal';
import {
  CreatedUserResponse,
  InvitationResponse,
  SessionResponse,
  UserPage,
  UserResponse,
} from './responses';
import { SessionsService, type StartedSession } from './sessions.service';
import { UsersService } from './users.service';

const CSRF_HEADER_DOC = {
  name: 'X-CSRF-Token',
  required: false,
  description:
    'required when the request is authenticated by the session cookie: the csrfToken of GET /v1/me',
};

/** A write by a session cookie without its X-CSRF-Token is refused like a role that may not. */
const CSRF_OR_ROLE = {
  403: 'The caller is not an admin, or a write made with the session cookie lacks the right X-CSRF-Token',
};

/** The public routes that set a session take JSON only (assertJson below). */
const SIGN_IN_BODY_ERRORS = [
  { 400: 'The body is not valid: validation_failed, or bad_request when it is not JSON (a form post)' },
  413,
  415,
] as const;

@ApiTags('People and sign-in')
@ApiCaller()
@ApiErrors(CSRF_OR_ROLE)
@ApiHeader(CSRF_HEADER_DOC)
@Controller('v1/users')
@Roles('admin')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiOperation({
    summary: 'Create a person; without a password the answer carries a one-time inviteUrl (7 days)',
  })
  @ApiCreatedResponse({ type: CreatedUserResponse })
  @ApiErrors(
    400,
    { 404: 'No cooperative with that cooperativeId' },
    { 409: 'A person with this email already exists' },
    413,
    415,
  )
  create(@Body() body: CreateUserBody): Promise<CreatedUserResponse> {
    return this.users.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List people, newest first' })
  @ApiOkResponse({ type: UserPage })
  @ApiErrors(400)
  list(@Query() query: UserListQuery): Promise<UserPage> {
    return this.users.list(query);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Rename, change the role, disable (ends every session at once) or enable a person',
  })
  @ApiOkResponse({ type: UserResponse })
  @ApiErrors(400, { 404: 'No such person, or no cooperative with that cooperativeId' }, 413, 415)
  update(@Param('id', ParseIdPipe) id: string, @Body() body: UpdateUserBody): Promise<UserResponse> {
    return this.users.update(id, body);
  }

  @Post(':id/invites')
  @ApiOperation({
    summary:
      'Extension: a new one-time inviteUrl where the person sets a (new) password; earlier ones stop working',
  })
  @ApiCreatedResponse({ type: InvitationResponse })
  @ApiErrors(404, { 409: 'The person is disabled; enable them first' })
  invite(@Param('id', ParseIdPipe) id: string): Promise<InvitationResponse> {
    return this.users.invite(id);
  }
}

/**
 * The cookie is Secure when people reach the API over https: PUBLIC_BASE_URL says so, or the
 * request came over https (Fastify reads X-Forwarded-Proto only from a TRUST_PROXY proxy).
 */
function secureCookie(config: ConnectorConfig, request: FastifyRequest): boolean {
  return config.publicBaseUrl.startsWith('https:') || request.protocol === 'https';
}

/**
 * Sign-in and invitation answers set a session, so they take JSON only: an HTML form on another
 * site can post a urlencoded body (which the API would otherwise parse) but not JSON, and so
 * cannot sign a visitor's browser into an account of the attacker's choosing (login CSRF).
 */
function assertJson(request: FastifyRequest): void {
  const type = String(request.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (type !== 'application/json') throw new BadRequest('Send this request as application/json');
}

function setSession(
  config: ConnectorConfig,
  request: FastifyRequest,
  reply: FastifyReply,
  started: StartedSession,
): void {
  const maxAgeSeconds = (started.expiresAt.getTime() - Date.now()) / 1000;
  void reply.header(
    'set-cookie',
    sessionCookie(started.token, { maxAgeSeconds, secure: secureCookie(config, request) }),
  );
  // an answer that sets a session is nobody's to keep
  void reply.header('cache-control', 'no-store');
}

@ApiTags('People and sign-in')
@Controller('v1/sessions')
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly config: ConnectorConfig,
  ) {}

  @Post()
  @Public()
  @ApiOperation({
    summary:
      'Sign in: sets the httpOnly session cookie; 401 on a wrong pair, 429 after 5 failures per email in 15 minutes',
    // public: the email and password are the authentication
    security: [],
  })
  @ApiCreatedResponse({
    type: SessionResponse,
    description: 'Signed in: Set-Cookie carries the session (httpOnly, SameSite=Lax)',
  })
  @ApiErrors(
    ...SIGN_IN_BODY_ERRORS,
    { 401: 'The email and password do not match a person who may sign in' },
    {
      429: 'Too many failed sign-ins for this email, or too many requests from this address; Retry-After says when to try again',
    },
  )
  async signIn(
    @Body() body: SignInBody,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionResponse> {
    assertJson(request);
    const started = await this.sessions.signIn(body.email, body.password);
    setSession(this.config, request, reply, started);
    return { user: userView(started.user) };
  }

  @Delete('current')
  @HttpCode(204)
  @ApiCaller()
  @ApiHeader({ ...CSRF_HEADER_DOC, required: true })
  @ApiOperation({ summary: 'Sign out: the session ends and its cookie stops working' })
  @ApiNoContentResponse({ description: 'Signed out: Set-Cookie clears the cookie' })
  @ApiErrors({
    403: 'An API key called (only a session signs out), or the X-CSRF-Token is missing or wrong',
  })
  async signOut(
    @CurrentPrincipal() who: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    if (!who.session) {
      throw new Forbidden('Only a session signs out; an API key is revoked with DELETE /v1/api-keys/:id');
    }
    await this.sessions.end(who.session.id);
    void reply.header(
      'set-cookie',
      sessionCookie('', { maxAgeSeconds: 0, secure: secureCookie(this.config, request) }),
    );
  }
}

@ApiTags('People and sign-in')
@Controller('v1/invites')
export class InvitesController {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly config: ConnectorConfig,
  ) {}

  /**
   * The token travels in the body, not the path, so it never reaches a request log; the page at
   * the inviteUrl reads it from the URL's fragment.
   */
  @Post('accept')
  @Public()
  @ApiOperation({
    summary:
      'Extension: set the password of an invitation (once, within 7 days) and sign in: sets the session cookie',
    // public: the invitation's token is the authentication
    security: [],
  })
  @ApiCreatedResponse({
    type: SessionResponse,
    description: 'The password is set and the person signed in: Set-Cookie carries the session',
  })
  @ApiErrors(
    ...SIGN_IN_BODY_ERRORS,
    { 404: 'The invitation was used, replaced or has expired, or its person is disabled' },
    429,
  )
  async accept(
    @Body() body: AcceptInviteBody,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionResponse> {
    assertJson(request);
    const user = await this.users.acceptInvite(body.token, body.password);
    const started = await this.sessions.start(user);
    setSession(this.config, request, reply, started);
    return { user: userView(user) };
  }
}

import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ADMIN_TOKEN } from './admin-token.js';

/** SHA-256 digests have one length whatever the inputs, so timingSafeEqual never throws and leaks no length. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Constant-time comparison of a presented token with the expected one. An empty expected token matches nothing. */
export function tokenMatches(expected: string, presented: string): boolean {
  const same = timingSafeEqual(digest(expected), digest(presented));
  return same && expected !== '';
}

/** `Authorization: Bearer <token>` on every admin route; 401 otherwise (missing, malformed or wrong). */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  private readonly expected: string;

  constructor(@Inject(ADMIN_TOKEN) token: string) {
    this.expected = token;
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>();
    const raw = request.headers.authorization;
    const header = typeof raw === 'string' ? raw : '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match || !tokenMatches(this.expected, match[1])) {
      throw new UnauthorizedException({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'a valid admin bearer token is required',
      });
    }
    return true;
  }
}

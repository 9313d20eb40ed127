import { applyDecorators, Controller, UseFilters, UseGuards, UsePipes, ValidationPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AdminAuthGuard } from './admin-auth.guard.js';
import { AdminErrorFilter } from './admin-errors.js';

/** Validation that rejects unknown body keys and turns query strings into numbers where the DTO says so. */
export const adminValidation = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });

/**
 * Every admin controller: under /admin, behind the bearer guard, with the admin error filter and validation
 * applied here rather than globally, so the module behaves the same whatever the host app configures.
 */
export function AdminController(path: string, tag: string): ClassDecorator {
  return applyDecorators(
    Controller(`admin/${path}`),
    UseGuards(AdminAuthGuard),
    UseFilters(AdminErrorFilter),
    UsePipes(adminValidation),
    ApiTags(tag),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'missing or wrong bearer token' }),
  );
}

import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { AdminModule } from './admin.module.js';

export const ADMIN_DOCS_PATH = 'admin/docs';

/** The OpenAPI document of the admin routes only (webhooks, health and metrics are not admin surface). */
export function adminOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Tandem admin API')
    .setDescription(
      'Syncs, runs, records, conflicts, retries and erasure. Every route needs `Authorization: Bearer <TANDEM_ADMIN_TOKEN>`.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, config, { include: [AdminModule] });
}

/**
 * Serves the UI at /admin/docs and the JSON at /admin/docs-json. Call it after creating the app and before
 * `listen`/`init`: routes added after Nest's router is set up would sit behind its 404 handler. The documents
 * describe the API and hold no data, so they are served without the token (a browser cannot send one).
 */
export function setupAdminDocs(app: INestApplication): void {
  SwaggerModule.setup(ADMIN_DOCS_PATH, app, () => adminOpenApi(app), {
    jsonDocumentUrl: `${ADMIN_DOCS_PATH}-json`,
    yamlDocumentUrl: `${ADMIN_DOCS_PATH}-yaml`,
  });
}

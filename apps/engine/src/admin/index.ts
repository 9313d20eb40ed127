export { AdminModule, type AdminModuleOptions } from './admin.module.js';
export { ADMIN_TOKEN } from './admin-token.js';
export { AdminAuthGuard, tokenMatches } from './admin-auth.guard.js';
export { setupAdminDocs, adminOpenApi, ADMIN_DOCS_PATH } from './admin-docs.js';

/** Test harness: the AdminModule in a real Nest app over a TestEngineState, spoken to over HTTP (supertest). */
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
// eslint-disable-next-line no-restricted-imports -- the engine's own seam (same app, not another lib)
import { ENGINE_STATE } from '../../contracts.js';
import { setupAdminDocs } from '../admin-docs.js';
import { ADMIN_TOKEN } from '../admin-token.js';
import { AdminModule } from '../admin.module.js';
import { TestEngineState } from './test-engine-state.js';

export const TEST_TOKEN = 'test-admin-token-0123456789';

/** Three memory apps in one sync; `plan` is a manual-conflict field so specs can open conflicts on purpose. */
export function threeAppYaml(prefix: string, extraSyncs = ''): string {
  return `connections:
  crm: { type: memory, app: ${prefix}-crm }
  mail: { type: memory, app: ${prefix}-mail }
  desk: { type: memory, app: ${prefix}-desk }
syncs:
  people:
    members:
      crm: { object: contacts }
      mail: { object: contacts }
      desk: { object: contacts }
    match: [email]
    authority: [crm, desk, mail]
    fields:
      email: { crm: email, mail: email, desk: email, transform: email }
      first_name: { crm: firstname, mail: firstname, desk: firstname }
      plan: { crm: plan, mail: plan, desk: plan }
    conflicts:
      fields: { plan: manual }
${extraSyncs}`;
}

export interface AdminHarness {
  state: TestEngineState;
  app: INestApplication;
  /** Authenticated request helpers. */
  get(path: string): request.Test;
  post(path: string, body?: object): request.Test;
  raw(): ReturnType<typeof request>;
  close(): Promise<void>;
}

export async function startAdmin(yaml: string): Promise<AdminHarness> {
  const state = await TestEngineState.create(yaml);
  const moduleRef = await Test.createTestingModule({
    imports: [
      AdminModule.register({
        providers: [
          { provide: ENGINE_STATE, useValue: state },
          { provide: ADMIN_TOKEN, useValue: TEST_TOKEN },
        ],
      }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  setupAdminDocs(app);
  await app.init();
  const server = app.getHttpServer();
  const auth = `Bearer ${TEST_TOKEN}`;
  return {
    state,
    app,
    get: (path) => request(server).get(path).set('Authorization', auth),
    post: (path, body) =>
      request(server)
        .post(path)
        .set('Authorization', auth)
        .send(body ?? {}),
    raw: () => request(server),
    close: async () => {
      await app.close();
      await state.close();
    },
  };
}

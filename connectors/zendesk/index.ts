/**
 * The Zendesk connector (`type: zendesk`): Support users.
 * Settings: subdomain | baseUrl, email + token | oauthToken, webhookSecret | webhookSecrets, webhookToleranceMs,
 * jobPollFirstMs, jobPollMs, jobTimeoutMs, requestsPerMinute, incrementalPerMinute, pageSize.
 */
import { readSettings, type ConnectorFactory, type Settings, type SettingsReader } from '@tandem/connector-sdk';
import { zendeskBaseUrl } from './zendesk.client.js';
import { ZendeskConnector, type ZendeskConnectorOptions } from './zendesk.connector.js';

export * from './zendesk.client.js';
export * from './zendesk.connector.js';
export * from './zendesk.fields.js';
export * from './zendesk.read.js';
export * from './zendesk.webhooks.js';
export * from './zendesk.writes.js';

function auth(read: SettingsReader): ZendeskConnectorOptions['auth'] {
  const oauthToken = read.text('oauthToken');
  if (oauthToken !== undefined) return { oauthToken };
  const email = read.text('email');
  const token = read.text('token');
  if (email === undefined || token === undefined) throw read.invalid('email/token', 'are required (or oauthToken)');
  return { email, token };
}

/** Connector options from a connection's settings; the host comes from `subdomain` unless `baseUrl` is given. */
export function zendeskConnectorOptions(settings: Settings, connection: string): ZendeskConnectorOptions {
  const read = readSettings('zendesk', connection, settings);
  const subdomain = read.text('subdomain');
  if (subdomain !== undefined && !/^[a-z0-9][a-z0-9-]*$/i.test(subdomain)) throw read.invalid('subdomain', 'is not a host name');
  const baseUrl = read.text('baseUrl') ?? (subdomain ? zendeskBaseUrl(subdomain) : undefined);
  if (baseUrl === undefined) throw read.invalid('subdomain', 'is required');
  return {
    baseUrl,
    auth: auth(read),
    webhookSecrets: read.webhookSecrets(),
    webhookToleranceMs: read.integer('webhookToleranceMs'),
    jobPollFirstMs: read.integer('jobPollFirstMs'),
    jobPollMs: read.integer('jobPollMs'),
    jobTimeoutMs: read.integer('jobTimeoutMs'),
    requestsPerMinute: read.integer('requestsPerMinute'),
    incrementalPerMinute: read.integer('incrementalPerMinute'),
    pageSize: read.integer('pageSize', { max: 100 }),
  };
}

export const zendeskConnectorFactory: ConnectorFactory = (settings, context) =>
  new ZendeskConnector({ ...zendeskConnectorOptions(settings, context.name), hooks: context.hooks });

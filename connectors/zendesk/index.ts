/**
 * The Zendesk connector (`type: zendesk`): Support users.
 * Settings: subdomain | baseUrl, email + token | oauthToken, webhookSecret | webhookSecrets, webhookToleranceMs,
 * jobPollMs, jobTimeoutMs, requestsPerMinute, incrementalPerMinute, pageSize.
 */
import { ConnectorError, type ConnectorFactory } from '@tandem/connector-sdk';
import { zendeskBaseUrl } from './zendesk.client.js';
import { ZendeskConnector, type ZendeskConnectorOptions } from './zendesk.connector.js';

export * from './zendesk.client.js';
export * from './zendesk.connector.js';
export * from './zendesk.fields.js';
export * from './zendesk.read.js';
export * from './zendesk.webhooks.js';
export * from './zendesk.writes.js';

function invalid(connection: string, key: string, why: string): ConnectorError {
  return new ConnectorError('CONNECTOR_CONFIG_INVALID', `connection ${connection}: zendesk setting ${key} ${why}`, {
    details: { connection, key },
  });
}

function text(settings: Record<string, unknown>, key: string, connection: string): string | undefined {
  const value = settings[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw invalid(connection, key, 'must be a non-empty string');
  return value.trim();
}

function positive(settings: Record<string, unknown>, key: string, connection: string, max = Number.MAX_SAFE_INTEGER) {
  const value = settings[key];
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > max) {
    throw invalid(connection, key, `must be an integer from 1 to ${max}`);
  }
  return value as number;
}

function secrets(settings: Record<string, unknown>, connection: string): string[] {
  const one = text(settings, 'webhookSecret', connection);
  const many = settings.webhookSecrets;
  if (many !== undefined && (!Array.isArray(many) || !many.every((s) => typeof s === 'string' && s !== ''))) {
    throw invalid(connection, 'webhookSecrets', 'must be a list of non-empty strings');
  }
  return [...(one ? [one] : []), ...((many as string[] | undefined) ?? [])];
}

function auth(settings: Record<string, unknown>, connection: string): ZendeskConnectorOptions['auth'] {
  const oauthToken = text(settings, 'oauthToken', connection);
  if (oauthToken !== undefined) return { oauthToken };
  const email = text(settings, 'email', connection);
  const token = text(settings, 'token', connection);
  if (email === undefined || token === undefined)
    throw invalid(connection, 'email/token', 'are required (or oauthToken)');
  return { email, token };
}

export function zendeskConnectorOptions(
  settings: Record<string, unknown>,
  connection: string,
): ZendeskConnectorOptions {
  const subdomain = text(settings, 'subdomain', connection);
  if (subdomain !== undefined && !/^[a-z0-9][a-z0-9-]*$/i.test(subdomain))
    throw invalid(connection, 'subdomain', 'is not a host name');
  const baseUrl = text(settings, 'baseUrl', connection) ?? (subdomain ? zendeskBaseUrl(subdomain) : undefined);
  if (baseUrl === undefined) throw invalid(connection, 'subdomain', 'is required');
  return {
    baseUrl,
    auth: auth(settings, connection),
    webhookSecrets: secrets(settings, connection),
    webhookToleranceMs: positive(settings, 'webhookToleranceMs', connection),
    jobPollMs: positive(settings, 'jobPollMs', connection),
    jobTimeoutMs: positive(settings, 'jobTimeoutMs', connection),
    requestsPerMinute: positive(settings, 'requestsPerMinute', connection),
    incrementalPerMinute: positive(settings, 'incrementalPerMinute', connection),
    pageSize: positive(settings, 'pageSize', connection, 100),
  };
}

export const zendeskConnectorFactory: ConnectorFactory = (settings, context) =>
  new ZendeskConnector(zendeskConnectorOptions(settings, context.name));

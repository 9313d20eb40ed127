/**
 * The Mailchimp connector (`type: mailchimp`): one audience's members.
 * Settings: apiKey, listId, webhookSecret | webhookSecrets, statusIfNew, concurrency, pageSize, baseUrl (tests).
 */
import { ConnectorError, type ConnectorFactory } from '@tandem/connector-sdk';
import { mailchimpBaseUrl } from './mailchimp.client.js';
import { MailchimpConnector, type MailchimpConnectorOptions } from './mailchimp.connector.js';
import { MEMBER_STATUSES } from './mailchimp.fields.js';

export * from './mailchimp.client.js';
export * from './mailchimp.connector.js';
export * from './mailchimp.fields.js';
export * from './mailchimp.members.js';
export * from './mailchimp.read.js';
export * from './mailchimp.webhooks.js';
export * from './mailchimp.writes.js';

function invalid(connection: string, key: string, why: string): ConnectorError {
  return new ConnectorError('CONNECTOR_CONFIG_INVALID', `connection ${connection}: mailchimp setting ${key} ${why}`, {
    details: { connection, key },
  });
}

function text(
  settings: Record<string, unknown>,
  key: string,
  connection: string,
  required = false,
): string | undefined {
  const value = settings[key];
  if (value === undefined || value === null) {
    if (required) throw invalid(connection, key, 'is required');
    return undefined;
  }
  if (typeof value !== 'string' || value.trim() === '') throw invalid(connection, key, 'must be a non-empty string');
  return value.trim();
}

function count(settings: Record<string, unknown>, key: string, connection: string, max: number): number | undefined {
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

/** Connector options from a connection's settings; the host comes from the API key's data-centre suffix. */
export function mailchimpConnectorOptions(
  settings: Record<string, unknown>,
  connection: string,
): MailchimpConnectorOptions {
  const apiKey = text(settings, 'apiKey', connection, true) as string;
  const baseUrl = text(settings, 'baseUrl', connection) ?? mailchimpBaseUrl(apiKey);
  if (baseUrl === undefined) throw invalid(connection, 'apiKey', 'has no data-centre suffix (like -us21)');
  const statusIfNew = text(settings, 'statusIfNew', connection);
  if (statusIfNew !== undefined && !MEMBER_STATUSES.includes(statusIfNew)) {
    throw invalid(connection, 'statusIfNew', 'is not a member status');
  }
  return {
    baseUrl,
    apiKey,
    listId: text(settings, 'listId', connection, true) as string,
    webhookSecrets: secrets(settings, connection),
    statusIfNew,
    concurrency: count(settings, 'concurrency', connection, 10),
    pageSize: count(settings, 'pageSize', connection, 1000),
  };
}

export const mailchimpConnectorFactory: ConnectorFactory = (settings, context) =>
  new MailchimpConnector(mailchimpConnectorOptions(settings, context.name));

/**
 * The Mailchimp connector (`type: mailchimp`): one audience's members.
 * Settings: apiKey, listId, webhookSecret | webhookSecrets, statusIfNew, concurrency, pageSize, baseUrl (tests).
 */
import { readSettings, type ConnectorFactory, type Settings } from '@tandem/connector-sdk';
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

/** Connector options from a connection's settings; the host comes from the API key's data-centre suffix. */
export function mailchimpConnectorOptions(settings: Settings, connection: string): MailchimpConnectorOptions {
  const read = readSettings('mailchimp', connection, settings);
  const apiKey = read.requiredText('apiKey');
  const baseUrl = read.text('baseUrl') ?? mailchimpBaseUrl(apiKey);
  if (baseUrl === undefined) throw read.invalid('apiKey', 'has no data-centre suffix (like -us21)');
  return {
    baseUrl,
    apiKey,
    listId: read.requiredText('listId'),
    webhookSecrets: read.webhookSecrets(),
    statusIfNew: read.oneOf('statusIfNew', MEMBER_STATUSES),
    concurrency: read.integer('concurrency', { max: 10 }),
    pageSize: read.integer('pageSize', { max: 1000 }),
  };
}

export const mailchimpConnectorFactory: ConnectorFactory = (settings, context) =>
  new MailchimpConnector({ ...mailchimpConnectorOptions(settings, context.name), hooks: context.hooks });

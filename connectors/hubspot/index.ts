/**
 * The HubSpot connector (`type: hubspot`): CRM v3 contacts and companies.
 * Settings: token (required), baseUrl, webhookSecret | webhookSecrets [old, new], webhookUrl, webhookToleranceMs,
 * requestsPerWindow, windowMs, share, searchPerSecond, searchLagMs, pageSize, searchWindowCap, pollArchived,
 * fieldTimestamps, properties { contacts: [...], companies: [...] }, timeoutMs.
 */
import { readSettings, type ConnectorFactory, type Settings, type SettingsReader } from '@tandem/connector-sdk';
import { HubspotConnector, type HubspotConnectorOptions } from './hubspot.connector.js';
import { HUBSPOT_OBJECTS } from './hubspot.fields.js';
import { SEARCH_RESULT_CAP } from './hubspot.read.js';

export * from './hubspot.client.js';
export * from './hubspot.connector.js';
export * from './hubspot.fields.js';
export * from './hubspot.read.js';
export * from './hubspot.webhooks.js';
export * from './hubspot.writes.js';

/** `properties: { contacts: [...], companies: [...] }`: which properties to read per object. */
function properties(read: SettingsReader, settings: Settings): HubspotConnectorOptions['properties'] {
  if (!read.has('properties')) return undefined;
  const value = settings.properties;
  const valid =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.entries(value).every(
      ([object, names]) =>
        (HUBSPOT_OBJECTS as readonly string[]).includes(object) &&
        Array.isArray(names) &&
        names.every((n) => typeof n === 'string' && n !== ''),
    );
  if (!valid) throw read.invalid('properties', 'must map contacts/companies to lists of property names');
  return value as HubspotConnectorOptions['properties'];
}

/** Connector options from a connection's settings in tandem.yaml (secrets already interpolated). */
export function hubspotConnectorOptions(settings: Settings, connection: string): HubspotConnectorOptions {
  const read = readSettings('hubspot', connection, settings);
  return {
    token: read.requiredText('token'),
    baseUrl: read.text('baseUrl'),
    webhookSecrets: read.webhookSecrets(),
    webhookUrl: read.text('webhookUrl'),
    webhookToleranceMs: read.integer('webhookToleranceMs', { min: 1_000, max: 3_600_000 }),
    requestsPerWindow: read.integer('requestsPerWindow', { max: 100_000 }),
    windowMs: read.integer('windowMs', { max: 86_400_000 }),
    share: read.fraction('share'),
    searchPerSecond: read.integer('searchPerSecond', { max: 1_000 }),
    searchLagMs: read.integer('searchLagMs', { min: 0, max: 3_600_000 }),
    pageSize: read.integer('pageSize', { max: 100 }),
    searchWindowCap: read.integer('searchWindowCap', { max: SEARCH_RESULT_CAP }),
    pollArchived: read.flag('pollArchived'),
    fieldTimestamps: read.flag('fieldTimestamps'),
    properties: properties(read, settings),
    timeoutMs: read.integer('timeoutMs', { min: 100, max: 600_000 }),
  };
}

/** `type: hubspot` → a HubspotConnector for the connection's settings. */
export const hubspotConnectorFactory: ConnectorFactory = (settings, context) =>
  new HubspotConnector({ ...hubspotConnectorOptions(settings, context.name), hooks: context.hooks });

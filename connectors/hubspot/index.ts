/**
 * The HubSpot connector (`type: hubspot`): CRM v3 contacts and companies.
 * Settings: token (required), baseUrl, webhookSecret | webhookSecrets [old, new], webhookUrl, webhookToleranceMs,
 * requestsPerWindow, windowMs, share, searchPerSecond, searchLagMs, pageSize, searchWindowCap, pollArchived,
 * fieldTimestamps, properties { contacts: [...], companies: [...] }, timeoutMs.
 */
import { ConnectorError, type ConnectorFactory } from '@tandem/connector-sdk';
import { HubspotConnector, type HubspotConnectorOptions } from './hubspot.connector.js';
import { HUBSPOT_OBJECTS } from './hubspot.fields.js';
import { SEARCH_RESULT_CAP } from './hubspot.read.js';

export * from './hubspot.client.js';
export * from './hubspot.connector.js';
export * from './hubspot.fields.js';
export * from './hubspot.read.js';
export * from './hubspot.webhooks.js';
export * from './hubspot.writes.js';

type Settings = Record<string, unknown>;

function invalid(connection: string, key: string, why: string): ConnectorError {
  return new ConnectorError('CONNECTOR_CONFIG_INVALID', `connection ${connection}: hubspot setting ${key} ${why}`, {
    details: { connection, key },
  });
}

function text(settings: Settings, key: string, connection: string): string | undefined {
  const value = settings[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw invalid(connection, key, 'must be a non-empty string');
  return value.trim();
}

function integer(settings: Settings, key: string, connection: string, min: number, max: number): number | undefined {
  const value = settings[key];
  if (value === undefined || value === null) return undefined;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw invalid(connection, key, `must be an integer from ${min} to ${max}`);
  }
  return value as number;
}

function flag(settings: Settings, key: string, connection: string): boolean | undefined {
  const value = settings[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalid(connection, key, 'must be true or false');
  return value;
}

function share(settings: Settings, connection: string): number | undefined {
  const value = settings.share;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !(value > 0 && value <= 1)) throw invalid(connection, 'share', 'must be in (0, 1]');
  return value;
}

function secrets(settings: Settings, connection: string): string[] {
  const one = text(settings, 'webhookSecret', connection);
  const many = settings.webhookSecrets;
  if (many !== undefined && (!Array.isArray(many) || !many.every((s) => typeof s === 'string' && s !== ''))) {
    throw invalid(connection, 'webhookSecrets', 'must be a list of non-empty strings');
  }
  return [...new Set([...(one ? [one] : []), ...((many as string[] | undefined) ?? [])])];
}

function properties(settings: Settings, connection: string): HubspotConnectorOptions['properties'] {
  const value = settings.properties;
  if (value === undefined || value === null) return undefined;
  const valid =
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.entries(value).every(
      ([object, names]) =>
        (HUBSPOT_OBJECTS as readonly string[]).includes(object) &&
        Array.isArray(names) &&
        names.every((n) => typeof n === 'string' && n !== ''),
    );
  if (!valid) throw invalid(connection, 'properties', 'must map contacts/companies to lists of property names');
  return value as HubspotConnectorOptions['properties'];
}

/** Connector options from a connection's settings in tandem.yaml (secrets already interpolated). */
export function hubspotConnectorOptions(settings: Settings, connection: string): HubspotConnectorOptions {
  const token = text(settings, 'token', connection);
  if (token === undefined) throw invalid(connection, 'token', 'is required');
  return {
    token,
    baseUrl: text(settings, 'baseUrl', connection),
    webhookSecrets: secrets(settings, connection),
    webhookUrl: text(settings, 'webhookUrl', connection),
    webhookToleranceMs: integer(settings, 'webhookToleranceMs', connection, 1_000, 3_600_000),
    requestsPerWindow: integer(settings, 'requestsPerWindow', connection, 1, 100_000),
    windowMs: integer(settings, 'windowMs', connection, 1, 86_400_000),
    share: share(settings, connection),
    searchPerSecond: integer(settings, 'searchPerSecond', connection, 1, 1_000),
    searchLagMs: integer(settings, 'searchLagMs', connection, 0, 3_600_000),
    pageSize: integer(settings, 'pageSize', connection, 1, 100),
    searchWindowCap: integer(settings, 'searchWindowCap', connection, 1, SEARCH_RESULT_CAP),
    pollArchived: flag(settings, 'pollArchived', connection),
    fieldTimestamps: flag(settings, 'fieldTimestamps', connection),
    properties: properties(settings, connection),
    timeoutMs: integer(settings, 'timeoutMs', connection, 100, 600_000),
  };
}

/** `type: hubspot` → a HubspotConnector for the connection's settings. */
export const hubspotConnectorFactory: ConnectorFactory = (settings, context) =>
  new HubspotConnector(hubspotConnectorOptions(settings, context.name));

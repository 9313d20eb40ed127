/**
 * The sync the benchmarks run: a CRM (HubSpot), an email tool (Mailchimp) and a helpdesk (Zendesk), parsed from
 * YAML by the real config loader so the bench measures the spec users actually get. Field paths are the ones the sandbox simulators store.
 * The helpdesk's required name falls back to the email: the sandbox seeds some people without a name.
 */
import { parseConfig } from '@tandem/config';
import type { SyncSpec } from '@tandem/core';

export interface BenchUrls {
  hubspot: string;
  mailchimp: string;
  zendesk: string;
}

const LOOPBACK: BenchUrls = { hubspot: 'http://127.0.0.1:9', mailchimp: 'http://127.0.0.1:9', zendesk: 'http://127.0.0.1:9' };

/** tandem.yaml for the bench; `urls` point the connections at sandbox simulators. */
export function benchYaml(urls: BenchUrls = LOOPBACK): string {
  return `
connections:
  crm:
    type: hubspot
    token: demo-token
    baseUrl: ${urls.hubspot}
  mail:
    type: mailchimp
    apiKey: demo-key-us1
    listId: a1b2c3
    baseUrl: ${urls.mailchimp}
  desk:
    type: zendesk
    baseUrl: ${urls.zendesk}
    email: demo@example.com
    token: demo-token

syncs:
  contacts:
    members:
      crm: { object: contacts }
      mail: { object: members, onCreate: { status: subscribed } }
      desk: { object: users, onCreate: { name: "{first_name} {last_name} {email}" } }
    match: [email]
    authority: [crm, desk, mail]
    fields:
      email:      { crm: email, mail: email_address, desk: email, transform: email }
      first_name: { crm: firstname, mail: merge_fields.FNAME, desk: user_fields.first_name }
      last_name:  { crm: lastname, mail: merge_fields.LNAME, desk: user_fields.last_name }
      phone:      { crm: phone, mail: merge_fields.PHONE, desk: phone, transform: phone_e164 }
      company:    { crm: company, mail: merge_fields.COMPANY }
      plan:       { crm: plan_tier, mail: merge_fields.PLAN, desk: user_fields.plan }
      tags:       { mail: tags, desk: tags, type: set, only: [vip, churn-risk] }
    conflicts:
      default: last-write-wins
      fields:
        phone: keep-non-empty
`;
}

/** The bench sync as libs/core consumes it. */
export function benchSpec(urls?: BenchUrls): SyncSpec {
  const { config } = parseConfig(benchYaml(urls), 'bench.yaml', {});
  const spec = config.syncs[0];
  if (!spec) throw new Error('bench.yaml defines no sync');
  return spec;
}

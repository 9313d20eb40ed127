/**
 * The sync the simulations run: crm, mail (consent: never receives new people) and a helpdesk that reformats
 * what it stores. Fields cover every kind of rule: timestamps, keep-non-empty, prefer, a non-injective value map,
 * a one-way field, an OR-set limited by `only:`, and a template.
 */
import type { FieldAppSpec, FieldSpec, SyncSpec } from '../model.js';

const both = (path: string, extra: Partial<FieldAppSpec> = {}): FieldAppSpec => ({ path, read: true, write: true, writeMode: 'always', ...extra });

/** `+12125550101` → `(212) 555-0101`: the helpdesk keeps phones in US national format. */
export function nationalPhone(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(value);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : value;
}

/** How the helpdesk stores written values: national phones, uppercased codes and tags. */
export function deskReformat(path: string, value: unknown): unknown {
  if (path === 'phone') return nationalPhone(value);
  if (path === 'user_fields.code' && typeof value === 'string') return value.toUpperCase();
  if (path === 'tags' && Array.isArray(value)) return value.map((t) => (typeof t === 'string' ? t.toUpperCase() : t));
  return value;
}

export function simFields(): FieldSpec[] {
  return [
    {
      name: 'email',
      type: 'scalar',
      transform: { name: 'email', options: {} },
      apps: { crm: both('email'), mail: both('email_address'), desk: both('email') },
      rule: { kind: 'last-write-wins', recordTimestamps: false, skewMs: 0 },
    },
    {
      name: 'first_name',
      type: 'scalar',
      apps: { crm: both('firstname'), mail: both('merge_fields.FNAME'), desk: both('user_fields.first_name') },
      rule: { kind: 'last-write-wins', recordTimestamps: true, skewMs: 2 },
    },
    {
      name: 'phone',
      type: 'scalar',
      transform: { name: 'phone_e164', options: { region: 'US' } },
      apps: { crm: both('phone'), desk: both('phone') },
      rule: { kind: 'keep-non-empty' },
    },
    {
      name: 'code',
      type: 'scalar',
      transform: { name: 'uppercase', options: {} },
      apps: { crm: both('code'), desk: both('user_fields.code') },
      rule: { kind: 'prefer', app: 'desk' },
    },
    {
      name: 'stage',
      type: 'scalar',
      apps: {
        crm: both('lifecyclestage'),
        desk: both('user_fields.stage', {
          map: { toCanonical: { Lead: 'lead', Customer: 'customer' }, fromCanonical: { lead: 'Lead', mql: 'Lead', customer: 'Customer' }, unmapped: { kind: 'drop' } },
        }),
      },
      rule: { kind: 'last-write-wins', recordTimestamps: false, skewMs: 0 },
    },
    {
      name: 'plan',
      type: 'scalar',
      apps: { crm: both('plan_tier', { write: false }), desk: both('user_fields.plan', { read: false }) },
      rule: { kind: 'last-write-wins', recordTimestamps: false, skewMs: 0 },
    },
    {
      name: 'tags',
      type: 'set',
      transform: { name: 'lowercase', options: {} },
      only: ['vip', 'churn-risk'],
      apps: { mail: both('tags'), desk: both('tags') },
      rule: { kind: 'last-write-wins', recordTimestamps: false, skewMs: 0 },
    },
    {
      name: 'display',
      type: 'scalar',
      template: '{first_name} ({code})',
      apps: { desk: both('user_fields.display', { read: false }) },
      rule: { kind: 'last-write-wins', recordTimestamps: false, skewMs: 0 },
    },
  ];
}

/** The simulated sync. `deletes: archive`, the edit wins over a concurrent delete. */
export function simSpec(): SyncSpec {
  return {
    name: 'contacts',
    members: {
      crm: { app: 'crm', object: 'contacts', create: true, onCreate: {}, onLeave: 'unlink' },
      mail: { app: 'mail', object: 'members', create: false, onCreate: { status_if_new: 'subscribed' }, onLeave: 'unlink' },
      desk: { app: 'desk', object: 'users', create: true, onCreate: { name: '{first_name}' }, onLeave: 'unlink' },
    },
    match: ['email'],
    authority: ['crm', 'desk', 'mail'],
    onLink: { kind: 'authority' },
    deletes: 'archive',
    onDeleteConflict: 'edit-wins',
    fields: simFields(),
    debounceMs: 0,
  };
}

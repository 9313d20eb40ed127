import { Prng } from './prng.js';

export type AppName = 'hubspot' | 'mailchimp' | 'zendesk';

/** How one person looks inside one app: the same human, typed differently (case, spaces, phone format, missing names). */
export interface PersonVariant {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  company: string;
  plan: string;
  tags: string[];
  createdAt: number;
  updatedAt: number;
}

/** A generated person; `apps` holds the variant for each app the person is in (at least one). */
export interface Person {
  index: number;
  email: string;
  apps: Partial<Record<AppName, PersonVariant>>;
}

const FIRST = ['Jane', 'José', 'Zoë', 'Björn', 'Siobhán', 'Amara', 'Wei', 'Priya', 'Ørjan', 'Anne-Marie', 'Lukas', 'Fatima', 'Noah', 'Chloé', 'Mateo', 'Yuki'];
const LAST = ['Doe', 'Álvarez', 'Müller', "O'Brien", 'Nguyễn', 'Kowalski', '李', 'Okafor', 'Smith', 'García', 'Østergaard', 'Tanaka', 'Rossi', 'Dubois'];
const COMPANIES = ['Acme Corp', 'Globex', 'Initech', 'Umbrella GmbH', 'Hooli', 'Stark Industries', 'Wayne Enterprises', 'Soylent SA'];
const DOMAINS = ['example.com', 'acme.test', 'globex.example', 'mail.example.org', 'initech.test'];
const PLANS = ['free', 'pro', 'enterprise'];
const TAGS = ['vip', 'churn-risk', 'beta', 'newsletter'];
const SHARE: Record<AppName, number> = { hubspot: 0.8, mailchimp: 0.7, zendesk: 0.6 };
const DAY = 86_400_000;

function ascii(name: string): string {
  return name.replace(/[Øø]/g, 'o').normalize('NFD').replace(/[^a-zA-Z]/g, '').toLowerCase() || 'user';
}

function messyEmail(email: string, rng: Prng): string {
  const roll = rng.next();
  if (roll < 0.2) return email.replace(/^(.)([^@]*)@(.*)$/, (_m, a: string, b: string, d: string) => `${a.toUpperCase()}${b}@${d.toUpperCase()}`);
  if (roll < 0.3) return ` ${email} `;
  if (roll < 0.4) return email.toUpperCase();
  return email;
}

function messyPhone(digits: string, rng: Prng): string {
  const [a, b, c] = [digits.slice(0, 3), digits.slice(3, 6), digits.slice(6)];
  return rng.pick([`+1 ${a}-${b}-${c}`, `(${a}) ${b}-${c}`, `${a}.${b}.${c}`, digits, `+1${digits}`, `001 ${a} ${b} ${c}`, '']);
}

function variant(base: Omit<PersonVariant, 'createdAt' | 'updatedAt'>, digits: string, now: number, rng: Prng): PersonVariant {
  const createdAt = now - rng.int(2, 30) * DAY + rng.int(0, DAY - 1);
  const updatedAt = Math.min(now - 5 * 60_000, createdAt + rng.int(0, 5 * DAY));
  return {
    firstName: rng.chance(0.08) ? '' : base.firstName,
    lastName: rng.chance(0.05) ? '' : base.lastName,
    email: messyEmail(base.email, rng),
    phone: messyPhone(digits, rng),
    company: base.company,
    plan: rng.chance(0.15) ? rng.pick(PLANS) : base.plan,
    tags: base.tags.filter(() => rng.chance(0.8)),
    createdAt,
    updatedAt: Math.max(createdAt, updatedAt),
  };
}

/**
 * N people with overlapping emails across the three apps and messy values. The same (count, seed, now) always
 * gives the same people, so each simulator seeded separately agrees with the others.
 */
export function generatePeople(count: number, seed: number, now: number): Person[] {
  const rng = new Prng(seed);
  const people: Person[] = [];
  for (let index = 0; index < count; index += 1) {
    const firstName = rng.pick(FIRST);
    const lastName = rng.pick(LAST);
    const email = `${ascii(firstName)}.${ascii(lastName)}${index}@${rng.pick(DOMAINS)}`;
    const digits = `${rng.int(201, 989)}555${String(rng.int(0, 9999)).padStart(4, '0')}`;
    const base = { firstName, lastName, email, phone: digits, company: rng.pick(COMPANIES), plan: rng.pick(PLANS), tags: TAGS.filter(() => rng.chance(0.3)) };
    const apps: Person['apps'] = {};
    for (const app of Object.keys(SHARE) as AppName[]) {
      if (rng.chance(SHARE[app])) apps[app] = variant(base, digits, now, rng);
    }
    if (Object.keys(apps).length === 0) apps.hubspot = variant(base, digits, now, rng);
    people.push({ index, email, apps });
  }
  return people;
}

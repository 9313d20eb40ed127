/** Per-app counts of one cycle, as `tandem sync --json` and `tandem plan` print them. */
import type { AppName } from '@tandem/core';

/** Something a person should see about one record: the reconciler's flags plus the cycle's own (suppressed, merged). */
export interface CycleFlag {
  kind: string;
  app?: AppName;
  field?: string;
  linkId?: string;
  message: string;
}

export interface AppCounts {
  read: number;
  linked: number;
  created: number;
  updated: number;
  deleted: number;
  conflicts: number;
  duplicates: number;
  failed: number;
  retried: number;
  rejected: number;
}

export type CountName = keyof AppCounts;

export function emptyCounts(): AppCounts {
  return { read: 0, linked: 0, created: 0, updated: 0, deleted: 0, conflicts: 0, duplicates: 0, failed: 0, retried: 0, rejected: 0 };
}

/** A few examples of each kind of decision, by app, for `plan` (ids and field names only — never values). */
export interface Sample {
  app: AppName;
  kind: CountName;
  externalId: string | null;
  linkId: string | null;
  fields?: string[];
}

/** Counts per app plus samples and flags, filled as the cycle goes. */
export class CycleTally {
  readonly apps: Record<AppName, AppCounts> = {};
  readonly samples: Sample[] = [];
  readonly flags: CycleFlag[] = [];

  constructor(
    apps: AppName[],
    private readonly samplesPerKind = 5,
  ) {
    for (const app of apps) this.apps[app] = emptyCounts();
  }

  add(app: AppName, kind: CountName, n = 1, sample?: Omit<Sample, 'app' | 'kind'>): void {
    const counts = (this.apps[app] ??= emptyCounts());
    counts[kind] += n;
    if (sample && this.samples.filter((s) => s.app === app && s.kind === kind).length < this.samplesPerKind) {
      this.samples.push({ app, kind, ...sample });
    }
  }

  flag(flag: CycleFlag): void {
    if (this.flags.length < 1000) this.flags.push(flag);
  }

  total(kind: CountName): number {
    return Object.values(this.apps).reduce((sum, c) => sum + c[kind], 0);
  }

  /** Flat counts for the run row (`crm.created` → 3). */
  flat(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [app, counts] of Object.entries(this.apps)) {
      for (const [kind, n] of Object.entries(counts)) out[`${app}.${kind}`] = n;
    }
    return out;
  }
}

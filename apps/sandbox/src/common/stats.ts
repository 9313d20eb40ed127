/** Request and write counters a test reads through `GET /__admin/stats` to assert "no redundant writes". */
export interface StatsSnapshot {
  requests: { total: number; byRoute: Record<string, number>; byStatus: Record<string, number> };
  writes: { total: number; byRecord: Record<string, number> };
  webhooks: { attempts: number; delivered: number; failed: number; dropped: number; duplicated: number; reordered: number };
}

export class Stats {
  private data: StatsSnapshot = Stats.empty();

  private static empty(): StatsSnapshot {
    return {
      requests: { total: 0, byRoute: {}, byStatus: {} },
      writes: { total: 0, byRecord: {} },
      webhooks: { attempts: 0, delivered: 0, failed: 0, dropped: 0, duplicated: 0, reordered: 0 },
    };
  }

  request(routeKey: string, status: number): void {
    const r = this.data.requests;
    r.total += 1;
    r.byRoute[routeKey] = (r.byRoute[routeKey] ?? 0) + 1;
    r.byStatus[String(status)] = (r.byStatus[String(status)] ?? 0) + 1;
  }

  /** One stored change to one record, keyed `object:id`. */
  write(recordKey: string): void {
    this.data.writes.total += 1;
    this.data.writes.byRecord[recordKey] = (this.data.writes.byRecord[recordKey] ?? 0) + 1;
  }

  webhook(kind: keyof StatsSnapshot['webhooks']): void {
    this.data.webhooks[kind] += 1;
  }

  snapshot(): StatsSnapshot {
    return structuredClone(this.data);
  }

  reset(): void {
    this.data = Stats.empty();
  }
}

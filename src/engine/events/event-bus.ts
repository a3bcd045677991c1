/**
 * What happened, as Docker's /events reports it. Recent events are kept so
 * that `docker events --since` can replay them; live listeners get the rest.
 */
export interface EngineEvent {
  Type: 'container' | 'image' | 'volume' | 'network' | 'daemon';
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
  /** the pre-1.22 fields docker still prints for containers */
  status?: string;
  id?: string;
  from?: string;
}

const KEEP = 1024;

export class EventBus {
  private readonly recent: EngineEvent[] = [];
  private readonly listeners = new Set<(e: EngineEvent) => void>();

  emit(type: EngineEvent['Type'], action: string, id: string, attributes: Record<string, string> = {}): void {
    const nanos = BigInt(Date.now()) * 1_000_000n + process.hrtime.bigint() % 1_000_000n;
    const event: EngineEvent = {
      Type: type,
      Action: action,
      Actor: { ID: id, Attributes: attributes },
      scope: 'local',
      time: Number(nanos / 1_000_000_000n),
      timeNano: Number(nanos),
    };
    if (type === 'container') {
      event.status = action;
      event.id = id;
      if (attributes['image']) event.from = attributes['image'];
    }
    this.recent.push(event);
    if (this.recent.length > KEEP) this.recent.shift();
    for (const l of this.listeners) l(event);
  }

  /** Events at or after `sinceNano` already seen. */
  since(sinceNano: number): EngineEvent[] {
    return this.recent.filter((e) => e.timeNano >= sinceNano);
  }

  subscribe(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

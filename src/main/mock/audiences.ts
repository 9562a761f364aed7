// Audience state kept by the mock: audiences by id, and each one's member ids, so a test
// or the studio can check what an export actually changed.

export interface Audience {
  id: string;
  name: string;
  created_at: string;
}

export interface AudienceWithMembers extends Audience {
  size: number;
  members: string[];
}

export class AudienceStore {
  private audiences = new Map<string, Audience>();
  private memberSets = new Map<string, Set<string>>();
  private nextId = 1;

  create(name: string): Audience {
    const a: Audience = { id: `aud_${this.nextId++}`, name, created_at: new Date().toISOString() };
    this.audiences.set(a.id, a);
    this.memberSets.set(a.id, new Set());
    return a;
  }

  get(id: string): Audience | undefined {
    return this.audiences.get(id);
  }

  /** All audiences, or those whose name equals `name` exactly. */
  list(name?: string): Audience[] {
    const all = [...this.audiences.values()];
    return name === undefined ? all : all.filter((a) => a.name === name);
  }

  /** The live member set of an audience (undefined for an unknown id). */
  members(id: string): Set<string> | undefined {
    return this.memberSets.get(id);
  }

  /** Map of audience id → member ids. */
  membership(): Map<string, Set<string>> {
    return this.memberSets;
  }

  snapshot(): AudienceWithMembers[] {
    return [...this.audiences.values()].map((a) => {
      const m = this.memberSets.get(a.id) ?? new Set<string>();
      return { ...a, size: m.size, members: [...m] };
    });
  }

  clear(): void {
    this.audiences.clear();
    this.memberSets.clear();
    this.nextId = 1;
  }
}

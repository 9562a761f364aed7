// What `{{json x}}` returns: JSON text that the site helper inserts without re-quoting.
// Its own module so the value helpers (helpers.ts) can read it without importing env.ts.
export class JsonText {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

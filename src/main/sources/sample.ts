// Generated XDM-style profiles, shaped like the example export of Adobe's HTTP destination
// (person, segmentMembership.ups, identityMap.ecid / email_lc_sha256), plus the awkward
// values real data has. Deterministic: the same (count, seed) gives byte-identical output
// anywhere, and a smaller count is a prefix of a larger one. Lazy, so count may be 10 million.
import { createHash } from 'node:crypto';
import { chance, intBetween, mulberry32, pick, type Rng } from '../../shared/prng.js';
import { SAMPLE_SEGMENT_IDS } from '../../shared/samples.js';

/** The audiences every sample profile belongs to 1–3 of (shared with the studio's presets). */
export { SAMPLE_SEGMENT_IDS };

export type SegmentStatus = 'realized' | 'existing' | 'exited';
export type LoyaltyTier = 'platinum' | 'gold' | 'silver' | 'bronze';

export interface Profile {
  id: string;
  person: {
    name: { firstName: string; lastName: string };
    email: string;
    phone?: string;
    birthDate?: string | null;
  };
  segmentMembership: { ups: Record<string, { status: SegmentStatus; lastQualificationTime: string }> };
  identityMap: { ecid: Array<{ id: string }>; email_lc_sha256: Array<{ id: string }> };
  loyalty: { tier: LoyaltyTier; points: number | string };
  /** Lifetime value; a numeric string in some awkward profiles. */
  ltv: number | string;
  /** Order count; often a numeric string, as exports from other systems deliver it. */
  orders: number | string;
  consent: { marketing: boolean };
  createdAt: string;
}

const FIRST_NAMES = ['Anna', 'Ben', 'Chloe', 'David', 'Emma', 'Felix', 'Grace', 'Hugo', 'Ines', 'Jonas', 'Kira', 'Liam', 'Maya', 'Noah', 'Olivia', 'Pablo', 'Quinn', 'Rosa', 'Sam', 'Tara'] as const;
const LAST_NAMES = ['Smith', 'Garcia', 'Muller', 'Rossi', 'Nowak', 'Silva', 'Khan', 'Chen', 'Dubois', 'Jensen', 'Kowalski', 'Moreau', 'Novak', 'Okafor', 'Patel', 'Tanaka', 'Weber', 'Young'] as const;
const DOMAINS = ['example.com', 'example.org', 'mail.example.net'] as const;
const UNICODE_NAMES = ['Zoë 🎉', 'Jürgen', 'Groß', 'Renée', '李中文', 'محمد', 'Ñandú', '👩‍💻 Dev', 'Łukasz', 'Δήμητρα'] as const;
const TIERS: readonly LoyaltyTier[] = ['bronze', 'bronze', 'bronze', 'silver', 'silver', 'gold', 'platinum'];
const STATUSES: readonly SegmentStatus[] = ['realized', 'realized', 'existing', 'existing', 'exited'];

/** Kinds of awkward values; each awkward profile gets one or two. */
const AWKWARD = ['quotes', 'backslash', 'controls', 'unicode', 'script', 'numericStrings', 'nullBirthDate', 'emptyStrings', 'longString'] as const;
type Awkward = (typeof AWKWARD)[number];

const EPOCH_2019 = Date.UTC(2019, 0, 1);
const EPOCH_2025 = Date.UTC(2025, 5, 1);

export function* generateProfiles(count: number, seed = 1): Generator<Profile> {
  const rng = mulberry32(seed);
  for (let i = 0; i < count; i++) yield makeProfile(rng, i);
}

/** One NDJSON line, newline included. JSON.stringify escapes newlines inside values. */
export function profileToNdjsonLine(p: Profile): string {
  return JSON.stringify(p) + '\n';
}

function makeProfile(rng: Rng, index: number): Profile {
  const first = pick(rng, FIRST_NAMES);
  const last = pick(rng, LAST_NAMES);
  let email = `${first}.${last}${index + 1}@${pick(rng, DOMAINS)}`;
  // Some emails keep their capitals, so the lowercase hash differs from a naive one.
  if (!chance(rng, 0.1)) email = email.toLowerCase();

  const createdMs = EPOCH_2019 + Math.floor(rng() * (EPOCH_2025 - EPOCH_2019));
  const ups: Profile['segmentMembership']['ups'] = {};
  const memberships = intBetween(rng, 1, SAMPLE_SEGMENT_IDS.length);
  const offset = intBetween(rng, 0, SAMPLE_SEGMENT_IDS.length - 1);
  for (let k = 0; k < memberships; k++) {
    const segment = SAMPLE_SEGMENT_IDS[(offset + k) % SAMPLE_SEGMENT_IDS.length]!;
    const qualified = createdMs + Math.floor(rng() * (EPOCH_2025 - createdMs));
    ups[segment] = { status: pick(rng, STATUSES), lastQualificationTime: isoSeconds(qualified) };
  }

  const ecid = [{ id: digits(rng, 38) }];
  if (chance(rng, 0.1)) ecid.push({ id: digits(rng, 38) });

  const person: Profile['person'] = { name: { firstName: first, lastName: last }, email };
  if (chance(rng, 0.7)) person.phone = `+1-555-${String(intBetween(rng, 0, 9999999)).padStart(7, '0')}`;
  if (chance(rng, 0.8)) {
    const year = intBetween(rng, 1950, 2005);
    person.birthDate = `${year}-${pad2(intBetween(rng, 1, 12))}-${pad2(intBetween(rng, 1, 28))}`;
  }

  const orders = intBetween(rng, 0, 60);
  const profile: Profile = {
    id: `p-${String(index + 1).padStart(6, '0')}`,
    person,
    segmentMembership: { ups },
    identityMap: {
      ecid,
      email_lc_sha256: [{ id: createHash('sha256').update(email.toLowerCase()).digest('hex') }],
    },
    loyalty: { tier: pick(rng, TIERS), points: intBetween(rng, 0, 50000) },
    ltv: Math.round(rng() * 500000) / 100,
    orders: chance(rng, 0.3) ? String(orders) : orders,
    consent: { marketing: chance(rng, 0.7) },
    createdAt: isoSeconds(createdMs),
  };

  if (chance(rng, 0.2)) {
    applyAwkward(rng, profile, pickAwkward(rng));
    if (chance(rng, 0.3)) applyAwkward(rng, profile, pickAwkward(rng));
  }
  return profile;
}

function pickAwkward(rng: Rng): Awkward {
  // Very long strings are rare: 1 in 50 awkward profiles.
  if (chance(rng, 0.02)) return 'longString';
  return pick(rng, AWKWARD.slice(0, -1));
}

function applyAwkward(rng: Rng, p: Profile, kind: Awkward): void {
  const name = p.person.name;
  switch (kind) {
    case 'quotes':
      name.firstName = `${name.firstName} "${pick(rng, ['Annie', 'The Boss', 'Q'])}"`;
      break;
    case 'backslash':
      name.lastName = `${name.lastName}\\${pick(rng, ['Jones', 'n', 'u0041', '"'])}`;
      break;
    case 'controls':
      name.firstName = `${name.firstName}\nMarie`;
      name.lastName = `${name.lastName}\tJr.`;
      break;
    case 'unicode':
      if (chance(rng, 0.5)) name.firstName = pick(rng, UNICODE_NAMES);
      else name.lastName = pick(rng, UNICODE_NAMES);
      break;
    case 'script':
      name.lastName = '</script><script>alert(1)</script>';
      break;
    case 'numericStrings':
      p.ltv = String(p.ltv);
      p.loyalty.points = String(p.loyalty.points);
      break;
    case 'nullBirthDate':
      p.person.birthDate = null;
      break;
    case 'emptyStrings':
      name.firstName = '';
      if (p.person.phone !== undefined) p.person.phone = '';
      break;
    case 'longString':
      name.lastName = `${name.lastName}-${'Lorem ipsum dolor sit amet '.repeat(400)}`;
      break;
  }
}

function digits(rng: Rng, n: number): string {
  let s = String(intBetween(rng, 1, 9));
  for (let i = 1; i < n; i++) s += String(Math.floor(rng() * 10));
  return s;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** ISO 8601 without milliseconds, like AEP's "2020-05-25T21:24:39Z". */
function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

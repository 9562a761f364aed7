// The first-launch workspace: an empty store gets the example destination (pointing at the
// built-in mock) and a set of generated profiles, so a first launch previews at once.
import { generateProfiles } from '../sources/sample.js';
import type { Store } from '../store/db.js';
import type { SecretCrypto } from '../store/rows.js';
import { DEMO_CLIENT_SECRET, DEMO_SAMPLE_COUNT, DEMO_SAMPLE_SEED, DEMO_SAMPLE_SET_NAME, DEMO_SECRET_ENV, demoConfig } from './demo.js';
import { splitSecrets } from './vault.js';

export function seedFirstLaunch(store: Store, opts: { mockUrl: string | undefined; crypto: SecretCrypto | undefined }): void {
  if (store.listDestinations().length > 0 || store.listSampleSets().length > 0) return;
  if (opts.mockUrl) {
    // Without OS encryption the example's secret stays an `${env:…}` reference the service knows.
    const secret = opts.crypto ? DEMO_CLIENT_SECRET : `\${env:${DEMO_SECRET_ENV}}`;
    const config = demoConfig(opts.mockUrl, secret);
    const { config: stored, secrets } = splitSecrets(config);
    store.saveDestination({ name: config.destination.name, config: stored, secrets }, opts.crypto);
  }
  store.createSampleSet(DEMO_SAMPLE_SET_NAME, generateProfiles(DEMO_SAMPLE_COUNT, DEMO_SAMPLE_SEED));
}

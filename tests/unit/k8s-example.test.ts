// examples/k8s/outbound-shards.yaml holds together: it parses as YAML 1.2 (the `yaml`
// package, which kubectl's reader agrees with on this file's plain constructs), it is an Indexed Job whose completions equal the N its pods shard by, every
// Secret, ConfigMap and claim it refers to is defined in it, each pod's store is its own
// file, and the export config it carries loads and checks with the CLI's own rules.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { checkConfig } from '../../src/main/app/check.js';
import { loadConfigFromText } from '../../src/main/app/config.js';
import { parseShard, SHARD_INDEX_ENV } from '../../src/main/app/run/shard.js';

const FILE = join(process.cwd(), 'examples', 'k8s', 'outbound-shards.yaml');
function documents(): any[] {
  const parsed = parseAllDocuments(readFileSync(FILE, 'utf8'), { strict: true });
  const docs = Array.isArray(parsed) ? parsed : [parsed];
  for (const d of docs) if (d.errors.length > 0) throw new Error(`the YAML does not parse: ${d.errors.map((e) => e.message).join('; ')}`);
  return docs.map((d) => d.toJS() as unknown).filter((d) => d !== null && d !== undefined);
}

describe('examples/k8s/outbound-shards.yaml', () => {
  const docs = documents();
  const byKind = (kind: string) => docs.filter((d) => d.kind === kind);
  const job = byKind('Job')[0];
  const pod = job?.spec.template.spec;
  const container = pod?.containers[0];

  it('is an Indexed Job whose completions equal the N of --shard index/N', () => {
    expect(job.spec.completionMode).toBe('Indexed');
    const args: string[] = container.args;
    expect(args[0]).toBe('run');
    const shardArg = args[args.indexOf('--shard') + 1]!;
    const n = Number(/^index\/(\d+)$/.exec(shardArg)?.[1]);
    expect(job.spec.completions).toBe(n);
    expect(job.spec.parallelism).toBeLessThanOrEqual(n);
    // Every index Kubernetes gives is a shard the CLI accepts; one more is refused.
    for (let i = 0; i < n; i++) expect(parseShard(shardArg, { [SHARD_INDEX_ENV]: String(i) })).toEqual({ ok: true, shard: { index: i, count: n } });
    expect(parseShard(shardArg, { [SHARD_INDEX_ENV]: String(n) }).ok).toBe(false);
    expect(pod.restartPolicy).toBe('Never');
    // A retried pod goes on with its shard's run rather than re-sending it.
    expect(args).toContain('--continue');
  });

  it('fails an index whose run ended with failed records (exit 1) rather than retrying it; exit 2 and 3 stay retryable', () => {
    expect(job.spec.backoffLimitPerIndex).toBeGreaterThan(0);
    const rules: any[] = job.spec.podFailurePolicy.rules;
    const onExit = rules.filter((r) => r.onExitCodes);
    const failIndex = onExit.filter((r) => r.action === 'FailIndex');
    expect(failIndex).toHaveLength(1);
    expect(failIndex[0].onExitCodes).toEqual({ containerName: container.name, operator: 'In', values: [1] });
    expect(container.name).toBe('outbound');
    // No rule takes 2 or 3 away from backoffLimitPerIndex's retries.
    for (const r of onExit) {
      const hit = (code: number) => (r.onExitCodes.operator === 'In' ? r.onExitCodes.values.includes(code) : !r.onExitCodes.values.includes(code));
      expect(hit(2) || hit(3), JSON.stringify(r)).toBe(false);
    }
    // podFailurePolicy needs restartPolicy Never.
    expect(pod.restartPolicy).toBe('Never');
  });

  it('gives each pod its own store file, named by its index', () => {
    const env: Array<{ name: string; value?: string; valueFrom?: any }> = container.env;
    const db = env.find((e) => e.name === 'OUTBOUND_DB')!;
    const shard = env.findIndex((e) => e.name === 'SHARD');
    expect(db.value).toBe('/data/shard-$(SHARD).db');
    // $(SHARD) expands only when SHARD is defined earlier in the list.
    expect(shard).toBeGreaterThanOrEqual(0);
    expect(shard).toBeLessThan(env.indexOf(db));
    expect(env[shard]!.valueFrom.fieldRef.fieldPath).toBe("metadata.annotations['batch.kubernetes.io/job-completion-index']");
    const data = container.volumeMounts.find((m: any) => m.mountPath === '/data');
    expect(data).toBeDefined();
    // The image's unprivileged user (node, uid 1000) owns /data.
    expect(pod.securityContext.runAsUser).toBe(1000);
  });

  it('refers only to Secrets, ConfigMaps and claims it defines', () => {
    const names = (kind: string) => new Set(byKind(kind).map((d) => d.metadata.name));
    for (const e of container.env.filter((x: any) => x.valueFrom?.secretKeyRef)) {
      const ref = e.valueFrom.secretKeyRef;
      const secret = byKind('Secret').find((s) => s.metadata.name === ref.name);
      expect(secret, `Secret ${ref.name}`).toBeDefined();
      expect(Object.keys(secret.stringData ?? secret.data)).toContain(ref.key);
    }
    for (const v of pod.volumes) {
      if (v.configMap) expect(names('ConfigMap').has(v.configMap.name), v.name).toBe(true);
      if (v.persistentVolumeClaim) expect(names('PersistentVolumeClaim').has(v.persistentVolumeClaim.claimName), v.name).toBe(true);
    }
    const mounted = new Set(container.volumeMounts.map((m: any) => m.name));
    for (const v of pod.volumes) expect(mounted.has(v.name), `volume ${v.name} mounted`).toBe(true);
  });

  it('carries an export config that loads and checks, its ${env:…} from the Secret', () => {
    const args: string[] = container.args;
    const configPath = args[1]!;
    const mount = container.volumeMounts.find((m: any) => configPath.startsWith(`${m.mountPath}/`));
    const volume = pod.volumes.find((v: any) => v.name === mount.name);
    const map = byKind('ConfigMap').find((c) => c.metadata.name === volume.configMap.name);
    const text: string = map.data[configPath.slice(mount.mountPath.length + 1)];
    const env: Record<string, string> = {};
    for (const e of container.env.filter((x: any) => x.valueFrom?.secretKeyRef)) {
      env[e.name] = byKind('Secret').find((s) => s.metadata.name === e.valueFrom.secretKeyRef.name).stringData[e.valueFrom.secretKeyRef.key];
    }
    const loaded = loadConfigFromText(text, configPath, env);
    if (!loaded.ok) throw new Error(loaded.issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
    expect(checkConfig(loaded)).toEqual([]);
    expect(loaded.config.destination.requestsPerHour).toBeGreaterThan(0);
  });
});

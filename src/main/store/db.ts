// The Store: the one object the app, the studio, the CLI and the recorder use. It opens the
// file (connection.ts) and answers each call through the module of the table concerned,
// turning SQLite failures into StoreErrors. Its connection is private: code outside
// src/main/store cannot run SQL of its own.
import type { RunCounts } from '../engine/types.js';
import { attachConnection, openConnection, type Connection, type OpenStoreOptions } from './connection.js';
import * as destinations from './destinations.js';
import * as environments from './environments.js';
import type { EnvironmentCrypto, EnvironmentInput, EnvironmentRow } from './environments.js';
import * as lease from './lease.js';
import * as outcomes from './outcomes.js';
import * as requests from './requests.js';
import type {
  CreateRunInput,
  DestinationInput,
  DestinationRow,
  DestinationSummaryRow,
  OutcomeQuery,
  OutcomeRow,
  RequestFilter,
  RequestQuery,
  RequestRow,
  RunRow,
  SampleSetRow,
  SecretCrypto,
  StoredRunStatus,
} from './rows.js';
import * as runs from './runs.js';
import * as samples from './samples.js';
import { SeqBitset, type SettledSet } from './settled.js';
import * as sync from './sync.js';
import type { SyncDiff } from '../../shared/sync.js';

export type { OpenStoreOptions } from './connection.js';
export { StoreRefusal } from './connection.js';

export function openStore(file: string, opts: OpenStoreOptions = {}): Store {
  return new Store(openConnection(file, opts));
}

export class Store {
  readonly path: string;
  readonly #conn: Connection;

  constructor(conn: Connection) {
    this.#conn = conn;
    this.path = conn.path;
    attachConnection(this, conn);
  }

  get readonly(): boolean {
    return this.#conn.readonly;
  }

  close(): void {
    this.#conn.close(); // a recorder still open commits what it holds, then its thread lets go of the file
  }

  /** Runs `fn`, turning SQLite failures into StoreErrors that say what was being done. */
  guard<T>(doing: string, fn: () => T): T {
    return this.#conn.guard(doing, fn);
  }

  /**
   * Runs a read of several queries in one transaction, so all of them see the same
   * snapshot while a run's writer thread commits.
   */
  snapshot<T>(doing: string, fn: () => T): T {
    return this.#conn.snapshot(doing, fn);
  }

  /** The integer key of a run (child tables use it), or undefined for an unknown run. */
  runKey(runId: string): number | undefined {
    return runs.runKey(this.#conn, runId);
  }

  /** Drops a cached run key (after a rolled-back transaction that may have created the run). */
  forgetRunKey(runId: string): void {
    runs.forgetRunKey(this.#conn, runId);
  }

  // ---- runs ---------------------------------------------------------------------------

  /** Creates the run row before anything is sent, so config and input identity are on record. */
  createRun(input: CreateRunInput): string {
    return this.guard('creating a run', () => runs.createRun(this.#conn, input));
  }

  getRun(runId: string): RunRow | null {
    return this.guard('reading a run', () => runs.getRun(this.#conn, runId));
  }

  /** Every run, oldest first. */
  listRuns(): RunRow[] {
    return this.guard('listing runs', () => runs.listRuns(this.#conn));
  }

  /** A full run id from an id or a unique prefix of at least 4 characters; null if none or ambiguous. */
  resolveRunId(idOrPrefix: string): string | null {
    return this.guard('looking up a run', () => runs.resolveRunId(this.#conn, idOrPrefix));
  }

  markRunStatus(runId: string, status: StoredRunStatus, opts: { error?: string | null; finishedAt?: number | null } = {}): void {
    this.guard('updating a run', () => runs.markRunStatus(this.#conn, runId, status, opts));
  }

  /** The audience found or created at the endpoint (shown in history, reused on resume). */
  setRemoteAudience(runId: string, value: unknown): void {
    this.guard('updating a run', () => runs.setRemoteAudience(this.#conn, runId, value));
  }

  /**
   * Takes the run's lease for `token` (one process drives a run) unless a live process
   * holds it; then says who holds it and when it was last seen.
   */
  takeRunLease(runId: string, token: string): lease.TakeLease {
    return this.guard('taking the run lease', () => lease.takeLease(this.#conn, runId, token));
  }

  /** Renews the lease's heartbeat; false when another process took the run over. */
  renewRunLease(runId: string, token: string): boolean {
    return this.guard('renewing the run lease', () => lease.renewLease(this.#conn, runId, token));
  }

  /** Lets go of the run's lease if `token` still holds it. */
  releaseRunLease(runId: string, token: string): void {
    this.guard('releasing the run lease', () => lease.releaseLease(this.#conn, runId, token));
  }

  deleteRun(runId: string): boolean {
    return this.guard('deleting a run', () => runs.deleteRun(this.#conn, runId));
  }

  // ---- requests -----------------------------------------------------------------------

  /** One page of a run's attempts, in the order they were sent. */
  runRequests(runId: string, q: RequestQuery = {}): RequestRow[] {
    return this.guard('reading requests', () => {
      const run = this.runKey(runId);
      return run === undefined ? [] : requests.requestPage(this.#conn, run, q);
    });
  }

  countRequests(runId: string, filter: RequestFilter = {}): number {
    return this.guard('counting requests', () => {
      const run = this.runKey(runId);
      return run === undefined ? 0 : requests.countRequests(this.#conn, run, filter);
    });
  }

  /**
   * Streams a run's attempts (for HAR and log output) without holding them all: pages of
   * rows by key, so the connection is free between pages (and `.all()` pages are much
   * faster than a row-by-row cursor).
   */
  *iterateRequests(runId: string, filter: RequestFilter = {}, pageSize = 500): IterableIterator<RequestRow> {
    let after = 0;
    for (;;) {
      const page = this.runRequests(runId, { ...filter, afterId: after, limit: pageSize, offset: 0 });
      for (const r of page) yield r;
      if (page.length < pageSize) return;
      after = page[page.length - 1]!.id;
    }
  }

  // ---- record outcomes ----------------------------------------------------------------

  /** One page of a run's record outcomes in seq order (failures and successes merged). */
  runOutcomes(runId: string, q: OutcomeQuery = {}): OutcomeRow[] {
    return this.snapshot('reading record outcomes', () => {
      const run = this.runKey(runId);
      return run === undefined ? [] : outcomes.outcomePage(this.#conn, run, q);
    });
  }

  *iterateOutcomes(runId: string, q: { failedOnly?: boolean } = {}, pageSize = 5000): IterableIterator<OutcomeRow> {
    let after = -1;
    for (;;) {
      const page = this.runOutcomes(runId, { failedOnly: q.failedOnly ?? false, afterSeq: after, limit: pageSize });
      for (const o of page) yield o;
      if (page.length < pageSize) return;
      after = page[page.length - 1]!.seq;
    }
  }

  /** Seqs whose records were delivered: a resume skips them. */
  settledSeqs(runId: string): SettledSet {
    return this.snapshot('reading record outcomes', () => {
      const run = this.runKey(runId);
      return run === undefined ? new SeqBitset(0) : outcomes.succeededSet(this.#conn, run);
    });
  }

  /** Seqs whose latest outcome is a failure: retry-failed sends them again. */
  failedSeqs(runId: string): SettledSet {
    return this.snapshot('reading record outcomes', () => {
      const run = this.runKey(runId);
      return run === undefined ? new SeqBitset(0) : outcomes.failedSet(this.#conn, run);
    });
  }

  /** Seqs stored as not delivered because an answer counted them without naming them: a resume sends them again. */
  unconfirmedSeqs(runId: string): SettledSet {
    return this.snapshot('reading record outcomes', () => {
      const run = this.runKey(runId);
      return run === undefined ? new SeqBitset(0) : outcomes.unconfirmedSet(this.#conn, run);
    });
  }

  outcomeCounts(runId: string): RunCounts {
    return this.snapshot('counting record outcomes', () => {
      const run = this.runKey(runId);
      return run === undefined ? { total: 0, succeeded: 0, failed: 0 } : outcomes.outcomeCounts(this.#conn, run);
    });
  }

  /**
   * How the records with these keys ended (their latest outcome; keys never settled are
   * absent): what a request's detail view shows for the records it carried.
   */
  outcomesByKey(runId: string, keys: readonly string[]): Map<string, outcomes.KeyOutcome> {
    return this.snapshot('reading record outcomes', () => {
      const run = this.runKey(runId);
      return run === undefined ? new Map() : outcomes.outcomesByKey(this.#conn, run, keys);
    });
  }

  // ---- destinations -------------------------------------------------------------------

  saveDestination(input: DestinationInput, crypto?: SecretCrypto): { id: string } {
    return this.guard('saving a destination', () => destinations.saveDestination(this.#conn, input, crypto));
  }

  getDestination(id: string, crypto?: SecretCrypto): DestinationRow | null {
    return this.guard('reading a destination', () => destinations.getDestination(this.#conn, id, crypto));
  }

  listDestinations(): DestinationSummaryRow[] {
    return this.guard('listing destinations', () => destinations.listDestinations(this.#conn));
  }

  deleteDestination(id: string): boolean {
    return this.guard('deleting a destination', () => destinations.deleteDestination(this.#conn, id));
  }

  // ---- environments (studio) ----------------------------------------------------------

  saveEnvironment(input: EnvironmentInput, crypto?: EnvironmentCrypto): { id: string } {
    return this.guard('saving an environment', () => environments.saveEnvironment(this.#conn, input, crypto));
  }

  getEnvironment(id: string, crypto?: EnvironmentCrypto): EnvironmentRow | null {
    return this.guard('reading an environment', () => environments.getEnvironment(this.#conn, id, crypto));
  }

  findEnvironmentByName(name: string, crypto?: EnvironmentCrypto): EnvironmentRow | null {
    return this.guard('reading an environment', () => environments.findEnvironmentByName(this.#conn, name, crypto));
  }

  listEnvironments(crypto?: EnvironmentCrypto): EnvironmentRow[] {
    return this.guard('listing environments', () => environments.listEnvironments(this.#conn, crypto));
  }

  deleteEnvironment(id: string): boolean {
    return this.guard('deleting an environment', () => environments.deleteEnvironment(this.#conn, id));
  }

  selectEnvironment(id: string | null): boolean {
    return this.guard('selecting an environment', () => environments.selectEnvironment(this.#conn, id));
  }

  /** Which environment (by name) a studio run resolved `${env:…}` against. */
  recordRunEnvironment(runId: string, environment: string): void {
    this.guard('recording a run environment', () => environments.recordRunEnvironment(this.#conn, runId, environment));
  }

  runEnvironment(runId: string): string | null {
    return this.guard('reading a run environment', () => environments.runEnvironment(this.#conn, runId));
  }

  // ---- membership diff (sync.ts) ------------------------------------------------------

  /** The key of a destination + audience's delivered membership (made on first use). */
  /** The set of a destination + audience whose members `identity` tells apart; refused (SyncIdentityError, `describe`d) when its members were told apart another way. */
  syncSet(destination: string, audience: string, identity: string, describe: (recorded: string) => string): number {
    return this.guard('reading the delivered membership', () => sync.syncSet(this.#conn, destination, audience, identity, describe));
  }

  /** A run's staging of its membership diff, if it has one. */
  syncStagingOfRun(runId: string): sync.StagingRow | undefined {
    return this.guard('reading a membership diff', () => {
      const run = this.runKey(runId);
      return run === undefined ? undefined : sync.stagingOfRun(this.#conn, run);
    });
  }

  beginSyncStaging(setN: number, runId: string | null, shard: string | null): number {
    return this.guard('staging a membership diff', () => sync.beginStaging(this.#conn, setN, runId === null ? null : (this.runKey(runId) ?? null), shard));
  }

  stageSyncRows(staging: number, rows: readonly sync.StagedRow[]): void {
    this.guard('staging a membership diff', () => sync.stageRows(this.#conn, staging, rows));
  }

  /** Refused (SyncBusyError) when a real run's classification meets another live diff run of the same members. */
  classifySync(staging: number, setN: number, inputItems: number, holdRemovals: string | null, supersedeOthers: boolean, shard: string | null, ownsKey?: (key: string) => boolean): void {
    this.guard('classifying a membership diff', () => sync.classifyStaging(this.#conn, staging, setN, inputItems, holdRemovals, supersedeOthers, shard, ownsKey));
  }

  /** Whether a run's classification still stands (another run superseded it, or a reset dropped it). */
  syncStagingCurrent(staging: number): boolean {
    return this.guard('reading a membership diff', () => sync.stagingCurrent(this.#conn, staging));
  }

  syncSummary(staging: number): SyncDiff {
    return this.snapshot('reading a membership diff', () => sync.stagingSummary(this.#conn, staging));
  }

  deleteSyncStaging(staging: number): void {
    this.guard('dropping a membership diff', () => sync.deleteStaging(this.#conn, staging));
  }

  syncClassPage(staging: number, from: number, to: number): Array<{ seq: number; key: string; class: sync.StagedClass }> {
    return this.guard('reading a membership diff', () => sync.classPage(this.#conn, staging, from, to));
  }

  syncFirstLineOfKey(staging: number, key: string): number | undefined {
    return this.guard('reading a membership diff', () => sync.firstLineOfKey(this.#conn, staging, key));
  }

  syncRemovalPage(staging: number, afterSeq: number, limit: number): Array<{ seq: number; key: string; record: string }> {
    return this.guard('reading a membership diff', () => sync.removalPage(this.#conn, staging, afterSeq, limit));
  }

  /** Forgets a delivered membership (the next diff run sends every member as an add); how many members it held. */
  resetSync(target: { destination: string; audience: string } | null): number {
    return this.guard('resetting the delivered membership', () => sync.resetSync(this.#conn, target));
  }

  listSyncSets(): Array<{ destination: string; audience: string; members: number }> {
    return this.guard('listing delivered memberships', () => sync.listSyncSets(this.#conn));
  }

  // ---- sample sets --------------------------------------------------------------------

  createSampleSet(name: string, records: Iterable<unknown>): SampleSetRow {
    return this.guard('saving a sample set', () => samples.createSampleSet(this.#conn, name, records));
  }

  listSampleSets(): SampleSetRow[] {
    return this.guard('listing sample sets', () => samples.listSampleSets(this.#conn));
  }

  getSamples(setId: string, offset = 0, limit = 100, exact = false): unknown[] {
    return this.guard('reading samples', () => samples.getSamples(this.#conn, setId, offset, limit, exact));
  }

  deleteSampleSet(setId: string): boolean {
    return this.guard('deleting a sample set', () => samples.deleteSampleSet(this.#conn, setId));
  }

  renameSampleSet(setId: string, name: string): boolean {
    return this.guard('renaming a sample set', () => samples.renameSampleSet(this.#conn, setId, name));
  }
}

// The Schedule panel's one method: the same use case as `outbound schedule` (app/schedule),
// with the selected environment's variables, so a unit names the secrets a run would read.
import { homedir } from 'node:os';
import type { StudioApi } from '../../shared/api.js';
import { planSchedule } from '../app/schedule/plan.js';
import type { StudioContext } from './context.js';

export type ScheduleArea = Pick<StudioApi, 'planSchedule'>;

export function createSchedule(ctx: StudioContext): ScheduleArea {
  return {
    async planSchedule(request) {
      const { env } = await ctx.activeEnv();
      // Relative paths (the panel's defaults) are under the home folder, not wherever the app started.
      return planSchedule(request, { env, cwd: homedir() });
    },
  };
}

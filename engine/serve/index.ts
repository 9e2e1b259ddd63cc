/** The `argus serve` dashboard: data loading, rendering, server and command. */
export { registerServeCommand } from './command.ts';
export { startDashboard, type DashboardOptions, type RunningDashboard } from './server.ts';
export {
  loadDashboard,
  summarizeMonth,
  dailyReports,
  bandOf,
  type DashboardData,
  type DashboardSources,
} from './data.ts';
export { renderDashboard } from './render.ts';
export { scorePolicy } from './bands.ts';

import { REGISTRATION_CLASSES, type RegistrationClass } from '../registration/classify';
import type { DashboardData } from './dashboard-data';

/** What dashboard.js draws: x values in epoch seconds (uPlot's time scale), gaps as null. */
export interface ChartData {
  recovery: { x: number[]; median: (number | null)[]; p90: (number | null)[] };
  readiness: { x: number[]; series: { class: RegistrationClass; values: number[] }[] };
}

const epochSeconds = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);
const hours = (seconds: number | null) =>
  seconds === null ? null : Math.round((seconds / 3600) * 100) / 100;

/** The two charts' series: time to recover per week in hours, members per class at each scan. */
export function chartData(data: DashboardData): ChartData {
  const trend = data.registration.trend;
  return {
    recovery: {
      x: data.weeks.map((week) => epochSeconds(week.from)),
      median: data.weeks.map((week) => hours(week.timeToRecover.median)),
      p90: data.weeks.map((week) => hours(week.timeToRecover.p90)),
    },
    readiness: {
      x: trend.map((snapshot) => epochSeconds(snapshot.finishedAt)),
      series: REGISTRATION_CLASSES.map((cls) => ({
        class: cls,
        values: trend.map((snapshot) => snapshot.counts.member[cls] ?? 0),
      })),
    },
  };
}

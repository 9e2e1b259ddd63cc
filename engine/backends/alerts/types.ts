/**
 * Alerts: a condition reported by any part of the engine (quality rules, quota, health) is turned
 * into notifications that fire once per episode and resolve once, delivered to named receivers
 * (log, webhook, Alertmanager). Generic: nothing here knows about A-shares.
 */

export type AlertSeverity = 'P0' | 'P1' | 'P2' | 'P3';

/** What a reporter says about one alert key each time it evaluates it. */
export interface AlertSignal {
  /** Alert name, e.g. `DQConsistencyBelowTarget`. */
  name: string;
  severity: AlertSeverity;
  /** Whether the condition holds now. */
  active: boolean;
  /** Identifying labels besides name and severity (they define the episode key). */
  labels?: Record<string, string>;
  /** Human text: `summary`, `description`, ... (not part of the key). */
  annotations?: Record<string, string>;
  /** Receiver names to notify (the AlertPolicy route of the severity); default: every receiver. */
  receivers?: readonly string[];
}

/** A notification: one transition of one episode. */
export interface AlertEvent {
  /** Stable id of the episode key (name + labels). */
  fingerprint: string;
  status: 'firing' | 'resolved';
  name: string;
  severity: AlertSeverity;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  /** Set when resolved. */
  endsAt?: string;
}

/** A delivery channel. `send` resolves once the receiver accepted the events, throws otherwise. */
export interface AlertReceiver {
  readonly name: string;
  send(events: readonly AlertEvent[]): Promise<void>;
  close?(): Promise<void>;
}

/** The `alerts` backend operators get through `ctx.backend('alerts')`. */
export interface AlertNotifier {
  /**
   * Reports the current state of an alert key. Returns the notification sent, or null when the
   * state did not change (still firing, still fine). Throws when a receiver fails; the episode's
   * state is then unchanged, so the next report retries.
   */
  update(signal: AlertSignal): Promise<AlertEvent | null>;
  /** Episodes currently firing. */
  active(): AlertEvent[];
  /** Past notifications, newest last (bounded). */
  history(): AlertEvent[];
  close(): Promise<void>;
}

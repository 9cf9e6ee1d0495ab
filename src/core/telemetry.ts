/**
 * What the core reports about its own work, for metrics: the core names the events, the HTTP
 * layer counts them (src/http/metrics.ts). With nobody listening an event costs one call.
 */
export type TelemetryEvent =
  | { readonly kind: 'login'; readonly outcome: 'success' | 'failure'; readonly reason: LoginReason }
  | { readonly kind: 'credential_cache'; readonly result: 'hit' | 'miss' };

/** Why a password sign-in ended as it did: a closed set, so a metric label can never carry input. */
export type LoginReason = 'ok' | 'unknown_login' | 'no_password' | 'wrong_password' | 'deleted' | 'banned' | 'throttled' | 'malformed';

export type TelemetryListener = (event: TelemetryEvent) => void;

export class Telemetry {
  private readonly listeners = new Set<TelemetryListener>();

  /** Starts delivering events to `listener`; returns the function that stops it. */
  observe(listener: TelemetryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: TelemetryEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

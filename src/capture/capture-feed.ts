/**
 * A live source of captured traffic (the intercepting proxy, the syscall tracer, an opt-out
 * scenario) as seen by its consumers: the `run` command, the TUI and the opt-out matrix.
 * Replayed files are not a feed; they are read with read-inputs.
 */
import type { TlsEndFacts } from '../live/tls-hangup.js';
import type { CapturedRequest } from './captured-request.js';

export type FeedEvent =
  /** A request the target sent (or tried to send), ready for the audit engine. */
  | { type: 'request'; request: CapturedRequest }
  /**
   * Something seen that is not an auditable request but is itself a finding: a connection
   * that bypassed the proxy, a client that refused the CA. Carries its own rule and message;
   * consumers turn it into a result with that finding.
   */
  | {
      type: 'connection';
      rule: string;
      severity: 'error' | 'warning';
      message: string;
      host: string;
      port?: number;
      scenario?: string;
      time: string;
      /** A TLS connection that ended without a request: the facts it was judged on (tls-hangup.ts). */
      tlsEnd?: TlsEndFacts;
    }
  /** Progress for people: target started, exited, quiet window running. */
  | { type: 'status'; message: string; scenario?: string; dns?: DnsQuery }
  /** The feed is over (target exited and the quiet window passed, or it was stopped). */
  | { type: 'end'; exitCode?: number | null; signal?: string | null; scenario?: string };

/** A DNS query a sealed namespace answered (it went nowhere): the name, its type, what it was told. */
export interface DnsQuery {
  name: string;
  type: string;
  answer?: string;
  scenario?: string;
  /** In an opt-out scenario with setup steps: the step whose namespace was asked. */
  step?: string;
}

export interface CaptureFeed {
  /** Subscribe; returns the unsubscribe function. Events already emitted are not replayed. */
  subscribe(listener: (event: FeedEvent) => void): () => void;
  /** Stop the target (its whole process tree) and end the feed. */
  stop(): Promise<void>;
}

/**
 * Follow a WebSocket upgrade as the endpoint would: accept it, swallow every frame the client
 * sends, and capture each client message as a request of its own (the Hasura console reports
 * one event per frame). A handshake with no frame is captured too: its URL and headers left.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData } from 'ws';

export interface WebSocketCaptureHooks {
  /** One client message (text or binary) as bytes, with when it arrived and its sequence number. */
  onMessage(body: Buffer, frame: number, time: string): void;
  /** The socket closed; `frames` is how many messages were captured. */
  onClose(frames: number): void;
  /** A frame could not be read (over the size cap, invalid UTF-8 in a text frame, bad framing). */
  onError(err: Error): void;
}

export class WebSocketCapture {
  private readonly server: WebSocketServer;

  constructor(maxPayload: number) {
    this.server = new WebSocketServer({ noServer: true, perMessageDeflate: true, maxPayload, clientTracking: true });
  }

  handle(req: IncomingMessage, socket: Duplex, head: Buffer, hooks: WebSocketCaptureHooks): void {
    this.server.handleUpgrade(req, socket, head, (ws) => {
      let frames = 0;
      ws.on('message', (data: RawData) => {
        const body = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
        hooks.onMessage(body, ++frames, new Date().toISOString());
      });
      ws.on('error', (err) => {
        hooks.onError(err);
        ws.terminate();
      });
      ws.once('close', () => hooks.onClose(frames));
    });
  }

  close(): void {
    for (const ws of this.server.clients) ws.terminate();
    this.server.close();
  }
}

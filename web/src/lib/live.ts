// LiveClient: one realtime connection (/api/v1/live) that signs in with hello, tracks the
// stream's seq, reconnects by itself with backoff and resumes with since=<last seq>.
// Independent of React (see useLive.ts for the hook).

import {
    encodeCommand,
    isStreamEvent,
    parseServerMessage,
    ProtocolError,
    type AckMessage,
    type Command,
    type CommandBody,
    type ErrorMessage,
    type StreamEvent,
    type WelcomeMessage,
} from './protocol';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

// The part of the browser WebSocket the client uses, so tests can inject a fake.
export interface WebSocketLike {
    send(data: string): void;
    close(code?: number, reason?: string): void;
    onopen: ((ev: unknown) => void) | null;
    onmessage: ((ev: { data: unknown }) => void) | null;
    onclose: ((ev: { code: number; reason?: string }) => void) | null;
    onerror: ((ev: unknown) => void) | null;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

// A refused or abandoned command: the server's code and message, or `disconnected`.
export class CommandError extends Error {
    override readonly name = 'CommandError';
    constructor(
        readonly code: string,
        message: string,
    ) {
        super(message);
    }
}

// Why the client stopped for good: close 4401 (sign in again), 4403 (removed) or 4410 (the
// event has ended), or stop().
export interface ClosedInfo {
    code: number;
    errorCode: string | null; // the error code sent just before the close, if any
    message: string | null;
}

export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_KICKED = 4403;
export const CLOSE_EVENT_ENDED = 4410;

// The event is over for everyone (docs/protocol.md "Ending an event"): the server sent
// `revoked` event_ended or refused the hello with event_ended, and closed with 4410.
export function isEventEnded(closed: ClosedInfo | null): boolean {
    return closed !== null && (closed.code === CLOSE_EVENT_ENDED || closed.errorCode === 'event_ended');
}
const CLOSE_CLIENT_RESYNC = 4000; // our own close, to resume after a gap or a dead connection

export interface LiveClientOptions {
    url: string;
    token: string;
    since?: number;
    WebSocket?: WebSocketConstructor;
    initialBackoffMs?: number;
    maxBackoffMs?: number;
    random?: () => number; // jitter source, 0..1
    pingIntervalMs?: number; // 0 disables the heartbeat
    pingTimeoutMs?: number;
}

type Listener<T> = (value: T) => void;

class Emitter<T> {
    private readonly listeners = new Set<Listener<T>>();
    on(listener: Listener<T>): () => void {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
    }
    emit(value: T): void {
        for (const l of [...this.listeners]) l(value);
    }
}

interface Pending {
    resolve: (ack: AckMessage) => void;
    reject: (err: CommandError) => void;
}

export class LiveClient {
    private ws: WebSocketLike | null = null;
    private state_: ConnectionState = 'closed';
    private seq_: number;
    private nextId = 1;
    private pending = new Map<string, Pending>();
    private attempt = 0;
    private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
    private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
    private lastSentAt = 0;
    private lastError: ErrorMessage | null = null;
    private stopped = false;
    private closedInfo_: ClosedInfo | null = null;
    private welcome_: WelcomeMessage | null = null;
    private readonly ctor: WebSocketConstructor;

    private readonly events = new Emitter<StreamEvent>();
    private readonly states = new Emitter<ConnectionState>();
    private readonly welcomes = new Emitter<WelcomeMessage>();

    constructor(private readonly opts: LiveClientOptions) {
        this.seq_ = opts.since ?? 0;
        const ctor = opts.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketConstructor | undefined);
        if (!ctor) throw new Error('No WebSocket implementation available');
        this.ctor = ctor;
    }

    get state(): ConnectionState {
        return this.state_;
    }
    // The highest seq applied; sent as `since` on the next hello.
    get seq(): number {
        return this.seq_;
    }
    get welcome(): WelcomeMessage | null {
        return this.welcome_;
    }
    get closedInfo(): ClosedInfo | null {
        return this.closedInfo_;
    }

    onEvent(listener: Listener<StreamEvent>): () => void {
        return this.events.on(listener);
    }
    onState(listener: Listener<ConnectionState>): () => void {
        return this.states.on(listener);
    }
    onWelcome(listener: Listener<WelcomeMessage>): () => void {
        return this.welcomes.on(listener);
    }

    start(): void {
        if (this.ws || this.stopped) return;
        this.connect('connecting');
    }

    // Ends the connection for good (e.g. the page is leaving).
    stop(): void {
        this.finish({ code: 1000, errorCode: null, message: null });
    }

    // Sends a command; resolves with its whole ack (media acks carry sdp/feed/sub), rejects with
    // a CommandError.
    send(body: CommandBody): Promise<AckMessage> {
        if (this.state_ !== 'open' || !this.ws) {
            return Promise.reject(new CommandError('disconnected', 'Not connected; try again in a moment.'));
        }
        const id = `c${this.nextId++}`;
        const cmd = { ...body, id } as Command;
        return new Promise<AckMessage>((resolve, reject) => {
            this.pending.set(id, { resolve, reject });
            this.lastSentAt = Date.now();
            this.ws?.send(encodeCommand(cmd));
        });
    }

    private setState(next: ConnectionState): void {
        if (next === this.state_) return;
        this.state_ = next;
        this.states.emit(next);
    }

    private connect(state: 'connecting' | 'reconnecting'): void {
        this.setState(state);
        this.lastError = null;
        const ws = new this.ctor(this.opts.url);
        this.ws = ws;
        ws.onopen = () => {
            if (this.ws !== ws) return;
            ws.send(encodeCommand({ type: 'hello', token: this.opts.token, since: this.seq_ }));
        };
        ws.onmessage = (ev) => {
            if (this.ws !== ws || typeof ev.data !== 'string') return;
            this.handleFrame(ev.data);
        };
        ws.onclose = (ev) => {
            if (this.ws !== ws) return;
            this.handleClose(ev.code);
        };
        ws.onerror = () => {
            // A close always follows; nothing to do here.
        };
    }

    private handleFrame(text: string): void {
        let msg;
        try {
            msg = parseServerMessage(text);
        } catch (err) {
            if (err instanceof ProtocolError) {
                console.warn('onstage: ignoring a malformed frame:', err.message);
                return;
            }
            throw err;
        }
        if (msg.type === 'welcome') {
            this.welcome_ = msg;
            this.attempt = 0;
            this.setState('open');
            this.startHeartbeat();
            this.welcomes.emit(msg);
        } else if (msg.type === 'ack') {
            this.settle(msg.id, (p) => p.resolve(msg));
        } else if (msg.type === 'error') {
            if (msg.id === null) {
                this.lastError = msg; // hello refused; a close follows
            } else {
                this.settle(msg.id, (p) => p.reject(new CommandError(msg.code, msg.message)));
            }
        } else if (isStreamEvent(msg)) {
            this.applyEvent(msg);
        }
    }

    private settle(id: string, how: (p: Pending) => void): void {
        const p = this.pending.get(id);
        if (!p) return;
        this.pending.delete(id);
        how(p);
    }

    private applyEvent(ev: StreamEvent): void {
        // The media plan and the broadcast state are not part of the resumable stream: apply
        // them as they come.
        if (ev.type === 'media' || ev.type === 'broadcast') {
            this.events.emit(ev);
            return;
        }
        const seq = ev.seq;
        if (ev.type !== 'snapshot') {
            if (seq <= this.seq_) return; // a duplicate
            if (seq > this.seq_ + 1) {
                // A gap should not happen; resuming from our seq repairs it.
                this.dropAndResume();
                return;
            }
        }
        this.seq_ = seq;
        if (ev.type === 'revoked') {
            this.lastError = { type: 'error', id: null, code: ev.reason, message: '' };
        }
        this.events.emit(ev);
    }

    private handleClose(code: number): void {
        this.ws = null;
        this.stopHeartbeat();
        this.rejectPending();
        const revoked = this.lastError?.code === 'kicked';
        // Signed out (here or in another tab): the session is over; don't reconnect.
        const signedOut = this.lastError?.code === 'signed_out';
        // The event ended: nobody gets back in, so reconnecting is pointless.
        const ended = code === CLOSE_EVENT_ENDED || this.lastError?.code === 'event_ended';
        if (code === CLOSE_UNAUTHORIZED || code === CLOSE_KICKED || revoked || signedOut || ended) {
            this.finish({
                code: ended ? CLOSE_EVENT_ENDED : revoked ? CLOSE_KICKED : signedOut ? CLOSE_UNAUTHORIZED : code,
                errorCode: this.lastError?.code ?? null,
                message: this.lastError?.message ?? null,
            });
            return;
        }
        if (this.stopped) return;
        this.setState('reconnecting');
        const base = this.opts.initialBackoffMs ?? 500;
        const max = this.opts.maxBackoffMs ?? 15000;
        const delay = Math.min(max, base * 2 ** this.attempt);
        const jitter = 0.5 + (this.opts.random ?? Math.random)() * 0.5; // 50..100 %
        this.attempt++;
        this.reconnectTimer = setTimeout(() => {
            this.reconnectTimer = null;
            if (!this.stopped) this.connect('reconnecting');
        }, Math.round(delay * jitter));
    }

    // Abandons the current socket at once (a dead one may take long to report its close).
    private dropAndResume(): void {
        const ws = this.ws;
        if (!ws) return;
        ws.close(CLOSE_CLIENT_RESYNC, 'resync');
        this.handleClose(CLOSE_CLIENT_RESYNC);
    }

    private rejectPending(): void {
        const pending = [...this.pending.values()];
        this.pending.clear();
        for (const p of pending) p.reject(new CommandError('disconnected', 'The connection dropped.'));
    }

    private finish(info: ClosedInfo): void {
        if (this.stopped) return;
        this.stopped = true;
        this.closedInfo_ = info;
        if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
        this.reconnectTimer = null;
        this.stopHeartbeat();
        const ws = this.ws;
        this.ws = null;
        ws?.close(1000, 'bye');
        this.rejectPending();
        this.setState('closed');
    }

    // Browsers cannot see the server's pings, so the tab pings when it has been quiet.
    private startHeartbeat(): void {
        this.stopHeartbeat();
        const interval = this.opts.pingIntervalMs ?? 15000;
        if (interval <= 0) return;
        const timeout = this.opts.pingTimeoutMs ?? 10000;
        this.lastSentAt = Date.now();
        this.heartbeatTimer = setInterval(() => {
            if (Date.now() - this.lastSentAt < interval) return;
            const ws = this.ws;
            const timer = setTimeout(() => {
                if (this.ws === ws) this.dropAndResume();
            }, timeout);
            this.send({ type: 'ping' }).then(
                () => clearTimeout(timer),
                () => clearTimeout(timer),
            );
        }, Math.max(1000, Math.floor(interval / 3)));
    }

    private stopHeartbeat(): void {
        if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
        this.heartbeatTimer = null;
    }
}

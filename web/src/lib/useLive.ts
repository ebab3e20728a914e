// React glue for LiveClient: one client per signed-in session, its connection state, and a view
// folded from the stream events with the app's own reducer.
import { useCallback, useEffect, useRef, useState } from 'react';
import { liveUrl } from './api';
import { LiveClient, type ClosedInfo, type ConnectionState } from './live';
import type { AckMessage, CommandBody, StreamEvent, WelcomeMessage } from './protocol';

export interface LiveSession {
    eventId: string;
    token: string;
}

export interface LiveHandle<V> {
    state: ConnectionState;
    view: V;
    welcome: WelcomeMessage | null;
    closed: ClosedInfo | null;
    send: (cmd: CommandBody) => Promise<AckMessage>;
}

export function useLive<V>(
    session: LiveSession | null,
    reduce: (view: V, ev: StreamEvent) => V,
    initial: V,
): LiveHandle<V> {
    const [state, setState] = useState<ConnectionState>('closed');
    const [view, setView] = useState<V>(initial);
    const [welcome, setWelcome] = useState<WelcomeMessage | null>(null);
    const [closed, setClosed] = useState<ClosedInfo | null>(null);
    const clientRef = useRef<LiveClient | null>(null);
    const reduceRef = useRef(reduce);
    reduceRef.current = reduce;

    useEffect(() => {
        if (!session) return undefined;
        const client = new LiveClient({ url: liveUrl(session.eventId), token: session.token });
        clientRef.current = client;
        const offs = [
            client.onState((s) => {
                setState(s);
                if (s === 'closed') setClosed(client.closedInfo);
            }),
            client.onWelcome(setWelcome),
            client.onEvent((ev) => setView((v) => reduceRef.current(v, ev))),
        ];
        client.start();
        return () => {
            for (const off of offs) off();
            client.stop();
            clientRef.current = null;
        };
    }, [session]);

    const send = useCallback((cmd: CommandBody): Promise<AckMessage> => {
        const client = clientRef.current;
        if (!client) return Promise.reject(new Error('not connected'));
        return client.send(cmd);
    }, []);

    return { state, view, welcome, closed, send };
}

// Re-renders every `ms` milliseconds and returns the current time (for countdowns and ages).
export function useNow(ms = 1000): number {
    const [now, setNow] = useState(() => Date.now());
    useEffect(() => {
        const t = setInterval(() => setNow(Date.now()), ms);
        return () => clearInterval(t);
    }, [ms]);
    return now;
}

// The console (producer) app: admin token entry, the event list, creating events from CSVs and
// one event's links, participants and audit log. The token lives in sessionStorage only.
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { AdminApi, AdminError, type EventInfo, type EventWithPeople } from './adminApi';
import { CreateEvent, PeopleWithLinks } from './Create';
import { EventView } from './EventView';
import { S } from './strings';

const TOKEN_KEY = 'onstage.admin_token';

function messageFor(err: unknown): string {
    if (err instanceof AdminError) {
        if (err.code === 'unauthenticated') return S.badToken;
        if (err.code === 'admin_disabled') return S.disabled;
        if (err.code === 'rate_limited') return S.rateLimited;
        return S.error(err.message);
    }
    return S.error(String(err));
}

function TokenForm(props: { error: string | null; onToken: (token: string) => void }) {
    const [token, setToken] = useState('');
    const submit = (e: FormEvent) => {
        e.preventDefault();
        if (token.trim() !== '') props.onToken(token.trim());
    };
    return (
        <form className="card" onSubmit={submit}>
            <h2>{S.tokenTitle}</h2>
            <label>
                {S.tokenLabel}
                <input type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} autoFocus />
            </label>
            <p className="muted">{S.tokenHint}</p>
            {props.error && <p className="error" role="alert">{props.error}</p>}
            <button type="submit" disabled={token.trim() === ''}>
                {S.tokenSubmit}
            </button>
        </form>
    );
}

type View = { kind: 'list' } | { kind: 'create' } | { kind: 'created'; result: EventWithPeople } | { kind: 'event'; id: string };

export function ConsoleApp() {
    const [token, setToken] = useState<string | null>(() => sessionStorage.getItem(TOKEN_KEY));
    const [error, setError] = useState<string | null>(null);
    const [events, setEvents] = useState<EventInfo[] | null>(null);
    const [view, setView] = useState<View>({ kind: 'list' });
    const api = useMemo(() => (token ? new AdminApi(token) : null), [token]);

    const signOut = useCallback((message: string | null) => {
        sessionStorage.removeItem(TOKEN_KEY);
        setToken(null);
        setEvents(null);
        setError(message);
    }, []);
    const onError = useCallback(
        (err: unknown) => {
            if (err instanceof AdminError && ['unauthenticated', 'admin_disabled', 'rate_limited'].includes(err.code)) {
                signOut(messageFor(err));
            } else {
                setError(messageFor(err));
            }
        },
        [signOut],
    );
    const refresh = useCallback(() => {
        api?.listEvents().then((list) => {
            setEvents(list);
            setError(null);
        }, onError);
    }, [api, onError]);
    useEffect(refresh, [refresh]);

    if (!api) {
        return (
            <main className="app">
                <header className="top">
                    <h1>{S.title}</h1>
                </header>
                <TokenForm
                    error={error}
                    onToken={(t) => {
                        sessionStorage.setItem(TOKEN_KEY, t);
                        setToken(t);
                    }}
                />
            </main>
        );
    }
    return (
        <main className="app wide">
            <header className="top">
                <h1>{S.title}</h1>
                <button type="button" className="secondary small" onClick={() => signOut(null)}>
                    {S.signOut}
                </button>
            </header>
            {error && <p className="banner error" role="alert">{error}</p>}
            {view.kind === 'list' && (
                <div className="card">
                    <div className="row">
                        <h2>{S.events}</h2>
                        <button type="button" className="small" onClick={() => setView({ kind: 'create' })}>
                            {S.newEvent}
                        </button>
                        <button type="button" className="small secondary" onClick={refresh}>
                            {S.refresh}
                        </button>
                    </div>
                    {events && events.length === 0 && <p className="muted">{S.noEvents}</p>}
                    <ul className="plain">
                        {(events ?? []).map((e) => (
                            <li key={e.id} className="row">
                                <strong>{e.name}</strong>
                                <span className="tag">{e.public ? S.publicTag : S.privateTag}</span>
                                {e.ended_at !== null && <span className="tag">{S.endedTag}</span>}
                                {e.counts && <span className="muted">{S.counts(e.counts.attendees, e.counts.moderators, e.counts.talent)}</span>}
                                <button type="button" className="small secondary" onClick={() => setView({ kind: 'event', id: e.id })}>
                                    {S.open}
                                </button>
                            </li>
                        ))}
                    </ul>
                </div>
            )}
            {view.kind === 'create' && (
                <>
                    <p>
                        <button type="button" className="secondary small" onClick={() => setView({ kind: 'list' })}>
                            {S.back}
                        </button>
                    </p>
                    <CreateEvent
                        api={api}
                        onCreated={(result) => {
                            setView({ kind: 'created', result });
                            refresh();
                        }}
                    />
                </>
            )}
            {view.kind === 'created' && (
                <>
                    <p>
                        <button type="button" className="secondary small" onClick={() => setView({ kind: 'list' })}>
                            {S.back}
                        </button>
                    </p>
                    <h2>{S.created(view.result.event.name)}</h2>
                    {view.result.event.viewer_url && (
                        <p>
                            {S.viewerLink}: <a href={view.result.event.viewer_url}>{view.result.event.viewer_url}</a>
                        </p>
                    )}
                    <PeopleWithLinks result={view.result} note={S.keysOnce} />
                </>
            )}
            {view.kind === 'event' && <EventView api={api} eventId={view.id} onBack={() => setView({ kind: 'list' })} onError={onError} />}
        </main>
    );
}

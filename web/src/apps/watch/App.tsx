// The public viewer page (/watch?e=EVENT): gets a viewer token and plays the event's broadcast.
// Watch-only: no hand raising. A viewer token cannot open the realtime connection, so the page
// does not know the broadcast's state: the player asks the playlist itself (missing → starts
// soon, ENDLIST → ended, and it keeps looking for the next broadcast).
import { useCallback, useEffect, useState } from 'react';
import { hlsUrlFor } from '../../lib/broadcast/hlsUrl';
import { Player } from '../../lib/broadcast/Player';
import { eventFromSearch, requestViewerToken, type WatchResult } from './watchApi';
import { S } from './strings';

export function WatchApp() {
    const [result, setResult] = useState<WatchResult | null>(null);
    const load = useCallback(() => {
        setResult(null);
        void requestViewerToken(eventFromSearch(location.search)).then(setResult);
    }, []);
    useEffect(load, [load]);

    useEffect(() => {
        if (result?.kind === 'ok') document.title = `${result.ticket.event.name} · onstage`;
    }, [result]);

    return (
        <main className="app">
            <header className="top">
                <h1>{result?.kind === 'ok' ? result.ticket.event.name : S.title}</h1>
                {result?.kind === 'ok' && <span className="who">{S.watching}</span>}
            </header>
            {result === null && <p className="muted" role="status">{S.loading}</p>}
            {result?.kind === 'bad_link' && <p className="card">{S.badLink}</p>}
            {result?.kind === 'not_watchable' && <p className="card">{S.notWatchable}</p>}
            {result?.kind === 'ended' && <p className="card" role="alert">{S.ended}</p>}
            {result?.kind === 'failed' && (
                <div className="card">
                    <p className="error" role="alert">{S.failed}</p>
                    <button type="button" onClick={load}>
                        {S.retry}
                    </button>
                </div>
            )}
            {result?.kind === 'ok' && (
                <>
                    <Player src={hlsUrlFor(result.ticket.event.id)} state={null} strings={S.player} />
                    <p className="muted">{S.watchOnly}</p>
                </>
            )}
        </main>
    );
}

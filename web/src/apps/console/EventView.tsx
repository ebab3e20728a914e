// One event: overview with live stage counts and links, key rotation, participants and audit.
import { useCallback, useEffect, useState } from 'react';
import type { AdminApi, AuditRow, EventInfo, EventWithPeople, Page, ParticipantRow } from './adminApi';
import { BroadcastTab } from './Broadcast';
import { PeopleWithLinks } from './Create';
import { download } from './links';
import { S } from './strings';

type Tab = keyof typeof S.tabs;

export function EventView(props: { api: AdminApi; eventId: string; onBack: () => void; onError: (e: unknown) => void }) {
    const { api, eventId, onError } = props;
    const [event, setEvent] = useState<EventInfo | null>(null);
    const [tab, setTab] = useState<Tab>('overview');
    useEffect(() => {
        api.getEvent(eventId).then(setEvent, onError);
    }, [api, eventId, onError]);
    return (
        <div>
            <p>
                <button type="button" className="secondary small" onClick={props.onBack}>
                    {S.back}
                </button>
            </p>
            {event && (
                <div className="card">
                    <h2>
                        {event.name} <span className="tag">{event.public ? S.publicTag : S.privateTag}</span>
                        {event.ended_at !== null && <span className="tag">{S.endedTag}</span>}
                    </h2>
                    <p className="muted mono">{event.id}</p>
                    {event.ended_at !== null && <p className="status">{endedText(event.ended_at)}</p>}
                    {event.counts && <p>{S.counts(event.counts.attendees, event.counts.moderators, event.counts.talent)}</p>}
                </div>
            )}
            <div className="row" role="tablist">
                {(Object.keys(S.tabs) as Tab[]).map((t) => (
                    <button key={t} type="button" role="tab" aria-selected={tab === t} className={tab === t ? 'small' : 'small secondary'} onClick={() => setTab(t)}>
                        {S.tabs[t]}
                    </button>
                ))}
            </div>
            {tab === 'overview' && event && <Overview api={api} event={event} onEnded={setEvent} onError={onError} />}
            {tab === 'broadcast' && <BroadcastTab api={api} eventId={eventId} ended={event?.ended_at != null} onError={onError} />}
            {tab === 'links' && <Links api={api} eventId={eventId} onError={onError} />}
            {tab === 'participants' && <Participants api={api} eventId={eventId} onError={onError} />}
            {tab === 'audit' && <Audit api={api} eventId={eventId} onError={onError} />}
        </div>
    );
}

// "Ended at …" in the browser's local time.
export function endedText(endedAt: number): string {
    return S.endedAt(new Date(endedAt).toLocaleString());
}

// The producer's "End event": a confirmation first (it is final), then the server's answer
// replaces the event shown, with its ended_at.
function EndEvent(props: { api: AdminApi; event: EventInfo; onEnded: (e: EventInfo) => void; onError: (e: unknown) => void }) {
    const [asking, setAsking] = useState(false);
    const [busy, setBusy] = useState(false);
    if (props.event.ended_at !== null) return null;
    if (!asking) {
        return (
            <button type="button" className="danger" onClick={() => setAsking(true)}>
                {S.endEvent}
            </button>
        );
    }
    const end = () => {
        setBusy(true);
        props.api
            .endEvent(props.event.id)
            .then(props.onEnded, props.onError)
            .finally(() => {
                setBusy(false);
                setAsking(false);
            });
    };
    return (
        <div className="card" role="alertdialog" aria-labelledby="end-title" aria-describedby="end-body">
            <h3 id="end-title">{S.endTitle}</h3>
            <p id="end-body">{S.endConfirm}</p>
            <div className="row">
                <button type="button" className="danger" disabled={busy} onClick={end}>
                    {busy ? S.ending : S.endNow}
                </button>
                <button type="button" className="secondary" disabled={busy} onClick={() => setAsking(false)}>
                    {S.cancel}
                </button>
            </div>
        </div>
    );
}

function Overview(props: { api: AdminApi; event: EventInfo; onEnded: (e: EventInfo) => void; onError: (e: unknown) => void }) {
    const { event } = props;
    const [rotated, setRotated] = useState<EventWithPeople | null>(null);
    const rotate = () => {
        if (window.confirm(S.rotateConfirm)) props.api.rotateKeys(event.id).then(setRotated, props.onError);
    };
    return (
        <div className="card">
            <h2>{S.stage}</h2>
            <ul className="plain">
                {Object.entries(event.stage ?? {}).map(([state, n]) => (
                    <li key={state}>
                        {state}: <strong>{n}</strong>
                    </li>
                ))}
            </ul>
            {event.viewer_url && (
                <p>
                    {S.viewerLink}: <a href={event.viewer_url}>{event.viewer_url}</a>
                </p>
            )}
            <p>
                {S.hlsLink}: <span className="mono">{event.hls_url}</span>
            </p>
            <button type="button" className="danger" onClick={rotate}>
                {S.rotate}
            </button>
            {rotated && <PeopleWithLinks result={rotated} note={S.rotated} />}
            <EndEvent api={props.api} event={event} onEnded={props.onEnded} onError={props.onError} />
        </div>
    );
}

function Links(props: { api: AdminApi; eventId: string; onError: (e: unknown) => void }) {
    const [links, setLinks] = useState<EventWithPeople | null>(null);
    useEffect(() => {
        props.api.links(props.eventId).then(setLinks, props.onError);
    }, [props.api, props.eventId, props.onError]);
    if (!links) return <p className="muted">{S.loading}</p>;
    return (
        <div>
            <p className="row">
                <button
                    type="button"
                    className="secondary small"
                    onClick={() => props.api.linksCsv(props.eventId).then((csv) => download(`${props.eventId}_links.csv`, csv, 'text/csv'), props.onError)}
                >
                    {S.downloadCsv}
                </button>
            </p>
            <PeopleWithLinks result={links} note={S.linksNoKeys} />
        </div>
    );
}

// Pages through a list with a `next` cursor.
function usePages<T>(load: (after: string | null) => Promise<Page<T>>, onError: (e: unknown) => void) {
    const [items, setItems] = useState<T[]>([]);
    const [next, setNext] = useState<string | null>(null);
    const [loading, setLoading] = useState(true);
    const fetchPage = useCallback(
        (after: string | null, replace: boolean) => {
            setLoading(true);
            load(after)
                .then((page) => {
                    setItems((old) => (replace ? page.items : [...old, ...page.items]));
                    setNext(page.next);
                }, onError)
                .finally(() => setLoading(false));
        },
        [load, onError],
    );
    useEffect(() => fetchPage(null, true), [fetchPage]);
    return { items, next, loading, more: () => fetchPage(next, false) };
}

function PageFooter(props: { empty: boolean; canLoadMore: boolean; loading: boolean; more: () => void }) {
    return (
        <>
            {props.empty && <p className="muted">{S.nothing}</p>}
            {props.canLoadMore && (
                <button type="button" className="secondary small" disabled={props.loading} onClick={props.more}>
                    {S.more}
                </button>
            )}
        </>
    );
}

function Participants(props: { api: AdminApi; eventId: string; onError: (e: unknown) => void }) {
    const [role, setRole] = useState('');
    const load = useCallback((after: string | null) => props.api.participants(props.eventId, { role, after }), [props.api, props.eventId, role]);
    const { items, next, loading, more } = usePages<ParticipantRow>(load, props.onError);
    return (
        <div className="card">
            <label>
                {S.role}{' '}
                <select value={role} onChange={(e) => setRole(e.target.value)}>
                    <option value="">{S.allRoles}</option>
                    <option value="attendee">attendee</option>
                    <option value="moderator">moderator</option>
                    <option value="talent">talent</option>
                </select>
            </label>
            <table className="table">
                <thead>
                    <tr>
                        <th>{S.columns.name}</th>
                        <th>{S.columns.role}</th>
                        <th>{S.columns.state}</th>
                        <th>{S.columns.question}</th>
                    </tr>
                </thead>
                <tbody>
                    {items.map((p) => (
                        <tr key={p.id}>
                            <td>{p.name}</td>
                            <td>{p.role}</td>
                            <td>{p.stage?.state ?? ''}</td>
                            <td>{p.stage?.question ?? ''}</td>
                        </tr>
                    ))}
                </tbody>
            </table>
            <PageFooter empty={!loading && items.length === 0} canLoadMore={next !== null} loading={loading} more={more} />
        </div>
    );
}

function Audit(props: { api: AdminApi; eventId: string; onError: (e: unknown) => void }) {
    const load = useCallback((after: string | null) => props.api.audit(props.eventId, { after }), [props.api, props.eventId]);
    const { items, next, loading, more } = usePages<AuditRow>(load, props.onError);
    return (
        <div className="card">
            <table className="table">
                <thead>
                    <tr>
                        <th>{S.columns.time}</th>
                        <th>{S.columns.actor}</th>
                        <th>{S.columns.action}</th>
                        <th>{S.columns.subject}</th>
                        <th>{S.columns.change}</th>
                        <th>{S.columns.detail}</th>
                    </tr>
                </thead>
                <tbody>
                    {items.map((a) => (
                        <tr key={a.seq}>
                            <td>{new Date(a.at).toLocaleString()}</td>
                            <td className="mono">{a.actor_id}</td>
                            <td>{a.action}</td>
                            <td className="mono">{a.subject_id}</td>
                            <td>{a.from_state || a.to_state ? `${a.from_state} → ${a.to_state}` : ''}</td>
                            <td>{a.detail}</td>
                        </tr>
                    ))}
                </tbody>
            </table>
            <PageFooter empty={!loading && items.length === 0} canLoadMore={next !== null} loading={loading} more={more} />
        </div>
    );
}

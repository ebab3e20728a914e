// One event's broadcast in the console: state (polled), start/stop with optional recording,
// RTMP target health, and the RTMP targets themselves (list, add, remove).
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { broadcastButtons } from '../../lib/broadcast/panel';
import { TargetList } from '../../lib/broadcast/TargetList';
import { staffView, type BroadcastState } from '../../lib/protocol';
import { AdminError, type AdminApi, type RtmpTarget } from './adminApi';
import { S } from './strings';

const POLL_MS = 3000;
const B = S.broadcast;
const R = S.rtmp;

// Admin errors that end the console session go to the app; the rest show here.
function routed(onError: (e: unknown) => void, setLocal: (m: string | null) => void) {
    return (err: unknown) => {
        if (err instanceof AdminError && ['unauthenticated', 'admin_disabled', 'rate_limited'].includes(err.code)) onError(err);
        else setLocal(err instanceof Error ? err.message : String(err));
    };
}

export function BroadcastTab(props: { api: AdminApi; eventId: string; ended: boolean; onError: (e: unknown) => void }) {
    return (
        <>
            <BroadcastControl {...props} />
            <RtmpTargets api={props.api} eventId={props.eventId} onError={props.onError} />
        </>
    );
}

function BroadcastControl(props: { api: AdminApi; eventId: string; ended: boolean; onError: (e: unknown) => void }) {
    const { api, eventId, onError } = props;
    const [view, setView] = useState<BroadcastState | null>(null);
    const [problem, setProblem] = useState<string | null>(null);
    const [busy, setBusy] = useState(false);
    const [record, setRecord] = useState(false);
    const fail = useCallback((err: unknown) => routed(onError, setProblem)(err), [onError]);

    useEffect(() => {
        let stopped = false;
        const poll = () =>
            api.broadcast(eventId).then(
                (v) => {
                    if (stopped) return;
                    setView(v);
                    setProblem(null);
                },
                (err: unknown) => {
                    if (!stopped) fail(err);
                },
            );
        void poll();
        const timer = setInterval(() => void poll(), POLL_MS);
        return () => {
            stopped = true;
            clearInterval(timer);
        };
    }, [api, eventId, fail]);

    const act = (request: () => Promise<BroadcastState>) => {
        setBusy(true);
        request()
            .then((v) => {
                setView(v);
                setProblem(null);
            }, fail)
            .finally(() => setBusy(false));
    };
    const buttons = broadcastButtons(view?.state ?? null, busy || props.ended);
    const staff = staffView(view);
    return (
        <div className="card">
            <h2>{B.title}</h2>
            <div className="row">
                <button type="button" data-testid="broadcast-start" disabled={!buttons.start} onClick={() => act(() => api.startBroadcast(eventId, record))}>
                    {B.start}
                </button>
                <label className="row">
                    <input type="checkbox" checked={record} disabled={!buttons.start} onChange={(e) => setRecord(e.target.checked)} />
                    {B.record}
                </label>
                <button type="button" className="danger" data-testid="broadcast-stop" disabled={!buttons.stop} onClick={() => act(() => api.stopBroadcast(eventId))}>
                    {B.stop}
                </button>
            </div>
            <p className="row">
                <span className={`tag${view?.state === 'live' ? ' on' : ''}`} data-testid="broadcast-state" data-state={view?.state ?? ''}>
                    {view ? (B.states[view.state] ?? view.state) : B.unknown}
                </span>
                {view && view.since > 0 && <span className="muted">{B.since(new Date(view.since).toLocaleString())}</span>}
                {staff && (
                    <span className="muted" data-testid="broadcast-viewers">
                        {B.viewers(staff.viewers)}
                    </span>
                )}
                {staff?.recording && <span className="tag on">{B.recording}</span>}
            </p>
            {view?.state === 'failed' && staff?.reason && <p className="error">{B.reason(staff.reason)}</p>}
            {problem && (
                <p className="error" role="alert">
                    {problem}
                </p>
            )}
            {staff && <p className="muted">{B.layout(staff.layout, staff.applied_layout)}</p>}
            {view && (
                <p>
                    {S.hlsLink}: <span className="mono">{view.hls_url}</span>
                </p>
            )}
            {staff && staff.targets.length > 0 && (
                <>
                    <h3>{B.health}</h3>
                    <TargetList targets={staff.targets} states={B.targetStates} />
                </>
            )}
        </div>
    );
}

function RtmpTargets(props: { api: AdminApi; eventId: string; onError: (e: unknown) => void }) {
    const { api, eventId, onError } = props;
    const [targets, setTargets] = useState<RtmpTarget[] | null>(null);
    const [name, setName] = useState('');
    const [url, setUrl] = useState('');
    const [busy, setBusy] = useState(false);
    const [problem, setProblem] = useState<string | null>(null);
    const [note, setNote] = useState<string | null>(null);
    const fail = useCallback((err: unknown) => routed(onError, setProblem)(err), [onError]);
    const refresh = useCallback(() => {
        api.rtmpTargets(eventId).then(setTargets, fail);
    }, [api, eventId, fail]);
    useEffect(refresh, [refresh]);

    const add = (e: FormEvent) => {
        e.preventDefault();
        setBusy(true);
        setProblem(null);
        setNote(null);
        const added = name.trim();
        api.addRtmpTarget(eventId, { name: added, url: url.trim() })
            .then(() => {
                setName('');
                setUrl('');
                setNote(R.added(added));
                refresh();
            }, fail)
            .finally(() => setBusy(false));
    };
    const remove = (t: RtmpTarget) => {
        if (!window.confirm(R.removeConfirm(t.name))) return;
        setProblem(null);
        setNote(null);
        api.removeRtmpTarget(eventId, t.id).then(refresh, fail);
    };
    return (
        <div className="card">
            <h2>{R.title}</h2>
            <p className="muted">{R.intro}</p>
            {targets && targets.length === 0 && <p className="muted">{R.none}</p>}
            {targets && targets.length > 0 && (
                <table className="table">
                    <thead>
                        <tr>
                            <th>{R.name}</th>
                            <th>{R.url}</th>
                            <th>{S.columns.time}</th>
                            <th />
                        </tr>
                    </thead>
                    <tbody>
                        {targets.map((t) => (
                            <tr key={t.id}>
                                <td>{t.name}</td>
                                <td className="mono">{t.url_redacted}</td>
                                <td>{new Date(t.created_at).toLocaleString()}</td>
                                <td>
                                    <button type="button" className="small danger" onClick={() => remove(t)}>
                                        {R.remove}
                                    </button>
                                </td>
                            </tr>
                        ))}
                    </tbody>
                </table>
            )}
            <form onSubmit={add}>
                <label>
                    {R.name}
                    <input type="text" value={name} onChange={(e) => setName(e.target.value)} required />
                </label>
                <label>
                    {R.url}
                    <input type="text" autoComplete="off" spellCheck={false} value={url} onChange={(e) => setUrl(e.target.value)} placeholder="rtmp://" required />
                </label>
                <button type="submit" disabled={busy || name.trim() === '' || url.trim() === ''}>
                    {busy ? R.adding : R.add}
                </button>
            </form>
            {note && <p className="okline" role="status">{note}</p>}
            {problem && (
                <p className="error" role="alert">
                    {problem}
                </p>
            )}
        </div>
    );
}

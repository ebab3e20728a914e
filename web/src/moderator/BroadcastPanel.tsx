// The moderator's broadcast panel: one-click start/stop, the state (since when, why it failed),
// viewers, recording, RTMP target health, the layout override and a small silent program
// monitor (the same player the audience has).
import { useState } from 'react';
import { hlsUrlFor } from '../lib/broadcast/hlsUrl';
import { broadcastButtons, layoutCommand, programPeople } from '../lib/broadcast/panel';
import { Player } from '../lib/broadcast/Player';
import { TargetList } from '../lib/broadcast/TargetList';
import { LAYOUT_CHOICES, staffView, type BroadcastState, type CommandBody, type LayoutChoice } from '../lib/protocol';
import { S } from './strings';

const B = S.broadcast;

export function BroadcastPanel(props: {
    broadcast: BroadcastState | null;
    eventId: string;
    nameOf: (id: string) => string | undefined;
    // Runs a command with its label in the results log; resolves true when acknowledged.
    run: (label: string, cmd: CommandBody) => Promise<boolean>;
}) {
    const { broadcast: b } = props;
    const [busy, setBusy] = useState(false);
    const [focus, setFocus] = useState('');
    const buttons = broadcastButtons(b?.state ?? null, busy);
    const staff = staffView(b);
    const send = (label: string, cmd: CommandBody) => {
        setBusy(true);
        void props.run(label, cmd).finally(() => setBusy(false));
    };
    const layout: LayoutChoice = (LAYOUT_CHOICES as readonly string[]).includes(staff?.layout ?? '') ? (staff?.layout as LayoutChoice) : 'auto';
    const people = programPeople(staff?.on_program ?? [], props.nameOf, S.unnamed);

    return (
        <section className="card" aria-label={B.title}>
            <h2>{B.title}</h2>
            <div className="row">
                <button type="button" data-testid="broadcast-start" disabled={!buttons.start} onClick={() => send(B.start, { type: 'broadcast_start' })}>
                    {B.start}
                </button>
                <button type="button" className="danger" data-testid="broadcast-stop" disabled={!buttons.stop} onClick={() => send(B.stop, { type: 'broadcast_stop' })}>
                    {B.stop}
                </button>
                <span className={`tag${b?.state === 'live' ? ' on' : ''}`} data-testid="broadcast-state" data-state={b?.state ?? ''}>
                    {b ? (B.states[b.state] ?? b.state) : B.unknown}
                </span>
                {b && b.since > 0 && <span className="muted">{B.since(new Date(b.since).toLocaleTimeString())}</span>}
                {staff && (
                    <span className="muted" data-testid="broadcast-viewers" data-viewers={staff.viewers}>
                        {B.viewers(staff.viewers)}
                    </span>
                )}
                {staff?.recording && <span className="tag on">{B.recording}</span>}
            </div>
            {b?.state === 'failed' && staff?.reason && (
                <p className="error" role="alert">
                    {B.reason(staff.reason)}
                </p>
            )}
            {staff && (
                <>
                    <div className="row">
                        <label>
                            {B.layout}{' '}
                            <select
                                data-testid="layout-select"
                                value={layout}
                                disabled={busy}
                                onChange={(e) => {
                                    const next = e.target.value as LayoutChoice;
                                    send(B.setLayout, layoutCommand(next, next === 'focus' ? focus : ''));
                                }}
                            >
                                {LAYOUT_CHOICES.map((l) => (
                                    <option key={l} value={l}>
                                        {B.layouts[l] ?? l}
                                    </option>
                                ))}
                            </select>
                        </label>
                        {layout === 'focus' && (
                            <label>
                                {B.focusOn}{' '}
                                <select
                                    data-testid="focus-select"
                                    value={focus}
                                    disabled={busy}
                                    onChange={(e) => {
                                        setFocus(e.target.value);
                                        send(B.setLayout, layoutCommand('focus', e.target.value));
                                    }}
                                >
                                    <option value="">{B.focusDefault}</option>
                                    {people.map((p) => (
                                        <option key={p.id} value={p.id}>
                                            {p.name}
                                        </option>
                                    ))}
                                </select>
                            </label>
                        )}
                    </div>
                    <p className="muted">
                        {B.applied(staff.applied_layout === 'slate' ? B.slate : (B.layouts[staff.applied_layout] ?? staff.applied_layout))}
                        {people.length > 0 && ` · ${people.map((p) => p.name).join(', ')}`}
                    </p>
                    <h3>{B.targets}</h3>
                    {staff.targets.length === 0 ? (
                        <p className="muted">{B.noTargets}</p>
                    ) : (
                        <TargetList targets={staff.targets} states={B.targetStates} testId="broadcast-targets" />
                    )}
                </>
            )}
            <h3>{B.monitor}</h3>
            <div data-testid="program-monitor">
                <Player src={b?.hls_url || hlsUrlFor(props.eventId)} state={b?.state ?? 'starting'} strings={B.player} monitor />
            </div>
        </section>
    );
}

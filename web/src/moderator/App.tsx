// The moderator app: the shared hand list, my queue, invitations, the interview, the holding
// room and the stage, with every action's result shown; the interviewee's, holding and stage
// videos next to the people they belong to, and the moderator's own camera.
import { useState, type ReactNode } from 'react';
import type { LoginSuccess } from '../lib/api';
import { DeviceCheck } from '../lib/media/DeviceCheck';
import type { RemoteFeed } from '../lib/media/MediaClient';
import { FeedGrid, FeedTile, MediaControls, MediaTrouble, SelfView } from '../lib/media/MediaViews';
import { useMedia, type MediaHandle } from '../lib/media/useMedia';
import type { AttendeeView, CommandBody } from '../lib/protocol';
import { EMPTY_STAGE, formatAge, mediaFlags, reduceStage, type StageView } from '../lib/stage';
import { SessionEnded, SignOutButton, StaffGate } from '../lib/StaffGate';
import { isEventEnded } from '../lib/live';
import { ConnectionBanner, EventEndedCard, Toast, useActionLog } from '../lib/ui';
import { useLive, useNow, type LiveSession } from '../lib/useLive';
import { BroadcastPanel } from './BroadcastPanel';
import { S } from './strings';

export function ModeratorApp() {
    return (
        <StaffGate strings={S} wide>
            {(login, session, signOut) => <Desk login={login} session={session} signOut={signOut} />}
        </StaffGate>
    );
}

// Runs a command; its result (or the server's reason for refusing it) shows in the results log
// and a toast, named after the action and the person it was about.
type Act = (cmd: CommandBody, who?: string) => void;
type ActionType = keyof typeof S.act;

function Desk(props: { login: LoginSuccess; session: LiveSession; signOut: () => void }) {
    const live = useLive(props.session, reduceStage, EMPTY_STAGE);
    const log = useActionLog(S.done, S.failed);
    const now = useNow(1000);
    const meId = props.login.participant.id;
    const { view } = live;
    const media = useMedia(live, view.media);

    if (view.revoked === 'event_ended' || isEventEnded(live.closed)) {
        return <EventEndedCard title={S.eventEnded.title} body={S.eventEnded.body} />;
    }
    if (live.state === 'closed' && live.closed) {
        return <SessionEnded message={live.closed.message || S.sessionEnded} signInAgain={S.signInAgain} signOut={props.signOut} />;
    }
    const act: Act = (cmd, who) => void log.run(actionLabel(cmd, who), () => live.send(cmd));
    const mine = (a: AttendeeView) => a.moderator_id === meId;
    const by = (state: string) => view.attendees.filter((a) => a.state === state);
    const hands = view.attendees.filter((a) => a.state === 'hand_raised' || (a.state === 'queued' && !mine(a)));
    const myOnAir = view.online.find((o) => o.id === meId)?.on_air ?? false;
    const feeds = media.snapshot.feeds;
    // The camera feed of an attendee in a room, as a tile beside their controls.
    const tileIn = (room: string, large = false) => (a: AttendeeView) => {
        const f = feeds.find((x) => x.view.participant_id === a.id && x.view.room === room && x.view.source === 'camera');
        return f ? <FeedTile feed={f} strings={S.media} large={large} /> : null;
    };
    const listed = new Set(view.attendees.map((a) => a.id));
    const nameOf = (id: string) => view.online.find((o) => o.id === id)?.name ?? view.names[id] ?? (id === meId ? props.login.participant.name : undefined);
    const stageOthers = feeds.filter((f) => f.view.room === 'stage' && (f.view.source === 'screen' || !listed.has(f.view.participant_id)));

    return (
        <>
            <header className="top">
                <h1>{live.welcome?.event.name ?? props.login.event.name}</h1>
                <span className="who">{S.youAre(props.login.participant.name)}</span>
                <div className="row">
                    <span className={`tag ${myOnAir ? 'on' : ''}`}>{myOnAir ? S.onAir : S.offAir}</span>
                    <button className="small" onClick={() => act({ type: 'set_on_air', on_air: !myOnAir })}>
                        {myOnAir ? S.goOffAir : S.goOnAir}
                    </button>
                    <SignOutButton label={S.signOut} send={live.send} signOut={props.signOut} />
                </div>
            </header>
            <ConnectionBanner state={live.state} connecting={S.connecting} reconnecting={S.reconnecting} />
            <BroadcastPanel broadcast={view.broadcast} eventId={props.session.eventId} nameOf={nameOf} run={(label, cmd) => log.run(label, () => live.send(cmd))} />
            <MyVideo media={media} />
            {stageOthers.length > 0 && <StageCard feeds={stageOthers} />}
            <div className="grid">
                <Section title={S.raisedHands} people={hands} now={now} actions={(a) => (a.state === 'hand_raised' ? ['claim', 'dismiss'] : ['dismiss'])} act={act} view={view} />
                <Section title={S.myQueue} people={by('queued').filter(mine)} now={now} actions={() => ['invite', 'release', 'dismiss']} act={act} view={view} />
                <Section title={S.invites} people={by('invited')} now={now} actions={(a) => (mine(a) ? ['cancel_invite'] : [])} act={act} view={view} />
                <Section title={S.interview} people={by('interviewing')} now={now} tile={tileIn('interview', true)}
                    actions={(a) => (mine(a) ? ['approve', 'reject', 'end_interview', 'mute', 'unmute', 'video_off', 'video_on'] : [])} act={act} view={view} />
                <Section title={S.holding} people={by('holding')} now={now} tile={tileIn('holding')} actions={() => ['promote', 'remove', 'mute', 'unmute', 'kick']} act={act} view={view} />
                <Section title={S.live} people={by('live')} now={now} tile={tileIn('stage')} actions={() => ['mute', 'unmute', 'video_off', 'video_on', 'demote', 'remove', 'kick']} act={act} view={view} />
                <Staff view={view} meId={meId} act={act} />
                <section className="card">
                    <h2>{S.notices}</h2>
                    {view.notices.length === 0 ? <p className="muted">{S.noNotices}</p> : (
                        <ul className="plain log" aria-label={S.notices}>
                            {[...view.notices].reverse().map((n) => <li key={n.seq}>{S.noticeAbout(view.names[n.subject_id] ?? S.unnamed, n.text)}</li>)}
                        </ul>
                    )}
                    <h2>{S.results}</h2>
                    {log.lines.length === 0 && <p className="muted">{S.noResults}</p>}
                    <ul className="plain log" aria-label={S.results}>
                        {log.lines.map((l) => <li key={l.at + l.text} className={l.ok ? 'okline' : 'error'}>{l.text}</li>)}
                    </ul>
                </section>
            </div>
            <Toast line={log.lines[0]} />
        </>
    );
}

function actionLabel(cmd: CommandBody, who: string | undefined): string {
    if (cmd.type === 'set_on_air') return cmd.on_air ? S.goOnAir : S.goOffAir;
    const action = S.act[cmd.type as ActionType] ?? cmd.type;
    return who === undefined ? action : S.actionOn(action, who);
}

function Section(props: {
    title: string;
    people: AttendeeView[];
    now: number;
    tile?: (a: AttendeeView) => ReactNode;
    view: StageView;
    actions: (a: AttendeeView) => ActionType[];
    act: Act;
}) {
    return (
        <section className="card">
            <h2>{props.title} ({props.people.length})</h2>
            {props.people.length === 0 ? <p className="muted">{S.none}</p> : (
                <ul className="plain">
                    {props.people.map((a) => (
                        <Person key={a.id} a={a} now={props.now} view={props.view} actions={props.actions(a)} act={props.act} tile={props.tile?.(a)} />
                    ))}
                </ul>
            )}
        </section>
    );
}

function Person(props: { a: AttendeeView; now: number; view: StageView; actions: ActionType[]; act: Act; tile?: ReactNode }) {
    const { a, now } = props;
    const flags = mediaFlags(props.view.moderation, a.id);
    const name = a.name || S.unnamed;
    const run = (type: ActionType) => {
        if (type === 'kick') {
            if (window.confirm(S.kickConfirm(name))) props.act({ type: 'kick', attendee_id: a.id }, name);
        } else if (type === 'mute' || type === 'unmute' || type === 'video_off' || type === 'video_on') {
            props.act({ type, participant_id: a.id }, name);
        } else if (type !== 'set_on_air') {
            props.act({ type, attendee_id: a.id }, name);
        }
    };
    return (
        <li>
            <div className="row">
                <strong>{a.name || S.unnamed}</strong>
                {a.raised_at !== null && <span className="muted">{S.waiting(formatAge(now - a.raised_at))}</span>}
                {a.edited_at !== null && <span className="tag">{S.edited}</span>}
                {a.state === 'queued' || a.state === 'invited' || a.state === 'interviewing' ? (
                    <span className="tag">{a.state === 'queued' ? S.claimedBy(a.moderator_name ?? '') : S.with(a.moderator_name ?? '')}</span>
                ) : a.state === 'hand_raised' ? <span className="tag">{S.unclaimed}</span> : null}
                {a.invite_expires_at !== null && <span className="tag">{S.expiresIn(Math.max(0, Math.ceil((a.invite_expires_at - now) / 1000)))}</span>}
                {flags.muted && <span className="tag on">{S.muted}</span>}
                {flags.videoOff && <span className="tag on">{S.videoOff}</span>}
            </div>
            {props.tile}
            {a.question && <p className="question">{a.question}</p>}
            {props.actions.length > 0 && (
                <div className="row">
                    {props.actions.map((t) => (
                        <button key={t} className={t === 'kick' || t === 'dismiss' || t === 'reject' ? 'small danger' : 'small secondary'} onClick={() => run(t)}>
                            {S.act[t]}
                        </button>
                    ))}
                </div>
            )}
        </li>
    );
}

// The moderator's own camera: the device check the first time, then the own view and the
// switches (screen sharing while on air). Shown while the plan has the moderator publish.
function MyVideo(props: { media: MediaHandle }) {
    const { media } = props;
    const [problem, setProblem] = useState<string | null>(null);
    const publishing = (media.snapshot.plan?.publish.length ?? 0) > 0;
    if (!publishing && !media.snapshot.unavailable && media.snapshot.faults.length === 0) return null;
    if (media.showDeviceCheck) {
        return (
            <DeviceCheck strings={S.media} initial={media.devices} onContinue={media.chooseDevices}
                onCancel={media.snapshot.needsDevices ? undefined : media.cancelDeviceCheck} />
        );
    }
    return (
        <section className="card">
            <h2>{S.myVideo}</h2>
            <MediaTrouble media={media} strings={S.media} />
            {problem && <p className="error" role="alert">{problem}</p>}
            <SelfView media={media} strings={S.media} />
            <MediaControls media={media} strings={S.media} onError={setProblem} />
        </section>
    );
}

// Stage feeds not shown beside an attendee: talent, moderators on air, shared screens.
function StageCard(props: { feeds: RemoteFeed[] }) {
    return (
        <section className="card">
            <h2>{S.onStage}</h2>
            <FeedGrid feeds={props.feeds} strings={S.media} />
        </section>
    );
}

function Staff(props: { view: StageView; meId: string; act: Act }) {
    const [open, setOpen] = useState<string | null>(null);
    return (
        <section className="card">
            <h2>{S.staff} ({props.view.online.length})</h2>
            <ul className="plain">
                {props.view.online.map((o) => {
                    const flags = mediaFlags(props.view.moderation, o.id);
                    return (
                        <li key={o.id}>
                            <div className="row">
                                <button className="small secondary" onClick={() => setOpen(open === o.id ? null : o.id)}>{o.name}</button>
                                <span className="muted">{S.roles[o.role] ?? o.role}</span>
                                {o.id === props.meId && <span className="muted">{S.me}</span>}
                                {o.on_air && <span className="tag on">{S.onAir}</span>}
                                {flags.muted && <span className="tag on">{S.muted}</span>}
                                {flags.videoOff && <span className="tag on">{S.videoOff}</span>}
                            </div>
                            {open === o.id && (
                                <div className="row">
                                    {(['mute', 'unmute', 'video_off', 'video_on'] as const).map((t) => (
                                        <button key={t} className="small secondary" onClick={() => props.act({ type: t, participant_id: o.id }, o.name)}>{S.act[t]}</button>
                                    ))}
                                </div>
                            )}
                        </li>
                    );
                })}
            </ul>
        </section>
    );
}

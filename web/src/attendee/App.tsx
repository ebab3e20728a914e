// The attendee app: sign in from the link, see where you stand, raise/edit/lower a hand, answer
// an invitation, and talk on video in the interview, the holding room and on stage.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { linkParams } from '../lib/api';
import { CLOSE_KICKED, isEventEnded } from '../lib/live';
import type { AttendeeView, BroadcastState, CommandBody, ModerationEvent } from '../lib/protocol';
import { useSignIn } from '../lib/session';
import { hlsUrlFor } from '../lib/broadcast/hlsUrl';
import { Player } from '../lib/broadcast/Player';
import { DeviceCheck } from '../lib/media/DeviceCheck';
import { FeedGrid, MediaControls, MediaTrouble, SelfView } from '../lib/media/MediaViews';
import { useMedia, type MediaHandle } from '../lib/media/useMedia';
import { EMPTY_STAGE, mediaFlags, reduceStage } from '../lib/stage';
import { ConnectionBanner, EventEndedCard, QuestionEditor, Toast, useActionLog } from '../lib/ui';
import { useLive, useNow, type LiveSession } from '../lib/useLive';
import { S } from './strings';

export function AttendeeApp() {
    const { eventId, participantId } = useMemo(() => linkParams(), []);
    const auth = useSignIn(eventId, participantId);
    const { signIn } = auth;
    const linkOk = eventId !== '' && participantId !== '';
    const token = auth.session?.token;
    const live = useMemo<LiveSession | null>(() => (token ? { eventId, token } : null), [eventId, token]);

    useEffect(() => {
        if (linkOk) void signIn();
    }, [linkOk, signIn]);

    if (!linkOk) return <Shell><p className="card">{S.badLink}</p></Shell>;
    if (auth.error?.code === 'kicked') return <Shell><Removed /></Shell>;
    if (auth.error?.code === 'event_ended') {
        return <Shell><EventEndedCard title={S.eventEnded} body={S.eventEndedBody} /></Shell>;
    }
    if (!auth.session || !live) {
        return (
            <Shell>
                <div className="card">
                    {auth.error ? (
                        <>
                            <p className="error" role="alert">{S.signInFailed} {auth.error.message}</p>
                            {auth.error.retryAfterSeconds !== null && <p>{S.retryIn(auth.error.retryAfterSeconds)}</p>}
                            <button disabled={auth.busy} onClick={() => void signIn()}>{S.retry}</button>
                        </>
                    ) : (
                        <p>{S.signingIn}</p>
                    )}
                </div>
            </Shell>
        );
    }
    return (
        <Stage
            session={live}
            name={auth.session.participant.name}
            eventName={auth.session.event.name}
            onSignInAgain={() => {
                auth.signOut();
                void signIn();
            }}
        />
    );
}

function Shell(props: { children: ReactNode; eventName?: string; name?: string }) {
    return (
        <main className="app">
            <header className="top">
                <h1>{props.eventName ?? S.title}</h1>
                {props.name && <span className="who">{S.youAre(props.name)}</span>}
            </header>
            {props.children}
        </main>
    );
}

function Stage(props: { session: LiveSession; name: string; eventName: string; onSignInAgain: () => void }) {
    const live = useLive(props.session, reduceStage, EMPTY_STAGE);
    const log = useActionLog(S.done, S.failed);
    const [dismissed, setDismissed] = useState(0); // notices/moderation lines already closed
    const { view } = live;
    const media = useMedia(live, view.media);

    if (view.revoked === 'kicked' || live.closed?.code === CLOSE_KICKED) {
        return <Shell eventName={props.eventName}><Removed /></Shell>;
    }
    if (view.revoked === 'event_ended' || isEventEnded(live.closed)) {
        return (
            <Shell eventName={props.eventName}>
                <EventEndedCard title={S.eventEnded} body={S.eventEndedBody} />
            </Shell>
        );
    }
    if (live.state === 'closed' && live.closed) {
        return (
            <Shell eventName={props.eventName}>
                <div className="card">
                    <p>{live.closed.message || S.sessionEnded}</p>
                    <button onClick={props.onSignInAgain}>{S.signInAgain}</button>
                </div>
            </Shell>
        );
    }
    const send = (label: string, cmd: CommandBody) => log.run(label, () => live.send(cmd));
    const messages = [
        ...view.notices.map((n) => ({ seq: n.seq, text: n.text })),
        ...view.moderation.map((m) => ({ seq: m.seq, text: moderationText(m) })),
    ]
        .filter((m) => m.seq > dismissed)
        .sort((a, b) => a.seq - b.seq);

    return (
        <Shell eventName={live.welcome?.event.name ?? props.eventName} name={props.name}>
            <ConnectionBanner state={live.state} connecting={S.connecting} reconnecting={S.reconnecting} />
            {messages.map((m) => (
                <div className="notice" key={m.seq} role="status">
                    <span>{m.text}</span>
                    <button className="small secondary" onClick={() => setDismissed(m.seq)}>{S.dismiss}</button>
                </div>
            ))}
            {view.me && <Broadcast me={view.me} broadcast={view.broadcast} eventId={props.session.eventId} />}
            {view.me && <Call me={view.me} media={media} moderation={view.moderation} />}
            {view.me && <MyStatus me={view.me} send={send} />}
            <Toast line={log.lines[0]} />
        </Shell>
    );
}

// Final: a kicked attendee cannot sign in again with this link (the server refuses it).
function Removed() {
    return (
        <div className="card" role="alert">
            <p className="status">{S.removed}</p>
            <p className="muted">{S.removedBody}</p>
        </div>
    );
}

function moderationText(m: ModerationEvent): string {
    switch (m.kind) {
        case 'mute': return S.mutedBy(m.by_name);
        case 'unmute': return S.unmutedBy(m.by_name);
        case 'video_off': return S.videoOffBy(m.by_name);
        default: return S.videoOnBy(m.by_name);
    }
}

// States in which the attendee is in the audience: the broadcast is their main view.
const AUDIENCE = new Set(['watching', 'hand_raised', 'queued', 'invited']);

// The broadcast player: the main view in the audience; in the holding room, beside the stage
// preview, a small silent monitor (its sound, seconds late, would talk over the live stage).
// Not shown in an interview or on stage, where the attendee is in the conversation itself.
function Broadcast(props: { me: AttendeeView; broadcast: BroadcastState | null; eventId: string }) {
    const holding = props.me.state === 'holding';
    if (!holding && !AUDIENCE.has(props.me.state)) return null;
    // Until the server's first broadcast state arrives, wait without loading ("starting").
    const src = props.broadcast?.hls_url || hlsUrlFor(props.eventId);
    const state = props.broadcast?.state ?? 'starting';
    if (holding) {
        return (
            <section className="card" aria-label={S.player.label}>
                <p className="muted">{S.holdingMonitor}</p>
                <Player src={src} state={state} strings={S.player} monitor />
            </section>
        );
    }
    return <Player src={src} state={state} strings={S.player} />;
}

// The video part: the device check the first time, then the feeds the plan lists (the
// moderator's, large, in an interview; the stage in the holding room and live), the own view
// and the mic/camera switches. Nothing at all while the plan lists nothing.
function Call(props: { me: AttendeeView; media: MediaHandle; moderation: ModerationEvent[] }) {
    const { me, media } = props;
    const plan = media.snapshot.plan;
    const [problem, setProblem] = useState<string | null>(null);
    if (!plan || (plan.publish.length === 0 && plan.feeds.length === 0)) return null;
    if (media.showDeviceCheck) {
        return (
            <DeviceCheck strings={S.media} initial={media.devices} onContinue={media.chooseDevices}
                onCancel={media.snapshot.needsDevices ? undefined : media.cancelDeviceCheck} />
        );
    }
    const flags = mediaFlags(props.moderation, me.id);
    return (
        <section className="card call" aria-label={S.callLabel}>
            {me.state === 'holding' && <p className="notice" role="status">{S.holdingNext}</p>}
            {flags.muted && <p className="banner" role="status">{S.mutedBanner}</p>}
            {flags.videoOff && <p className="banner" role="status">{S.videoOffBanner}</p>}
            <MediaTrouble media={media} strings={S.media} />
            {problem && <p className="error" role="alert">{problem}</p>}
            <FeedGrid feeds={media.snapshot.feeds} strings={S.media} large={me.state === 'interviewing'} />
            <SelfView media={media} strings={S.media} />
            <MediaControls media={media} strings={S.media} onError={setProblem} />
        </section>
    );
}

type Send = (label: string, cmd: CommandBody) => Promise<boolean>;

function MyStatus(props: { me: AttendeeView; send: Send }) {
    const { me, send } = props;
    const [editing, setEditing] = useState(false);
    const [busy, setBusy] = useState(false);
    const act = async (label: string, cmd: CommandBody) => {
        setBusy(true);
        const ok = await send(label, cmd);
        setBusy(false);
        return ok;
    };
    const hasHand = me.state === 'hand_raised' || me.state === 'queued';

    return (
        <section className="card">
            <p className="status" aria-live="polite">{S.status[me.state] ?? S.unknownState}</p>
            {me.moderator_name && (me.state === 'queued' || me.state === 'interviewing') && (
                <p className="muted">{S.withModerator(me.moderator_name)}</p>
            )}
            {me.state === 'watching' && (
                <QuestionEditor initial="" label={S.questionLabel} submit={S.raise} counter={S.counter} busy={busy}
                    onSubmit={(q) => void act(S.raise, { type: 'raise', question: q })} />
            )}
            {me.question && me.state !== 'watching' && !editing && (
                <>
                    <h2>{S.yourQuestion}</h2>
                    <p className="question">{me.question}</p>
                </>
            )}
            {hasHand && editing && (
                <QuestionEditor initial={me.question ?? ''} label={S.questionLabel} submit={S.save} cancel={S.cancel}
                    counter={S.counter} busy={busy} onCancel={() => setEditing(false)}
                    onSubmit={(q) => void act(S.edit, { type: 'edit_question', question: q }).then((ok) => ok && setEditing(false))} />
            )}
            {hasHand && !editing && (
                <div className="row">
                    <button className="secondary" disabled={busy} onClick={() => setEditing(true)}>{S.edit}</button>
                    <button className="danger" disabled={busy} onClick={() => void act(S.lower, { type: 'lower' })}>{S.lower}</button>
                </div>
            )}
            {me.state === 'interviewing' && (
                <button className="secondary" disabled={busy} onClick={() => void act(S.endInterview, { type: 'end_interview' })}>
                    {S.endInterview}
                </button>
            )}
            {me.state === 'invited' && <InviteDialog me={me} busy={busy} act={act} />}
        </section>
    );
}

function InviteDialog(props: { me: AttendeeView; busy: boolean; act: Send }) {
    const now = useNow(1000);
    const left = props.me.invite_expires_at === null ? null : Math.max(0, Math.ceil((props.me.invite_expires_at - now) / 1000));
    return (
        <div className="dialog-backdrop">
            <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="invite-title">
                <h2 id="invite-title">{S.invitedTitle}</h2>
                <p>{S.invitedBody(props.me.moderator_name ?? '')}</p>
                {left !== null && <p className="muted">{left > 0 ? S.expiresIn(left) : S.expired}</p>}
                <div className="row">
                    <button autoFocus disabled={props.busy} onClick={() => void props.act(S.accept, { type: 'accept' })}>{S.accept}</button>
                    <button className="secondary" disabled={props.busy} onClick={() => void props.act(S.decline, { type: 'decline' })}>
                        {S.decline}
                    </button>
                </div>
            </div>
        </div>
    );
}

// The RTMP targets' health as the moderator panel and the console both show it: one row per
// target with its state (failing ones highlighted) and the last error.
import type { BroadcastTarget } from '../protocol';

export function TargetList(props: { targets: BroadcastTarget[]; states: Record<string, string>; testId?: string }) {
    return (
        <ul className="plain" data-testid={props.testId}>
            {props.targets.map((t) => (
                <li key={t.id} className="row" data-target={t.id} data-state={t.state}>
                    <strong>{t.name}</strong>
                    <span className={`tag${t.state === 'failed' || t.state === 'retrying' ? ' on' : ''}`}>{props.states[t.state] ?? t.state}</span>
                    {t.error && <span className="error">{t.error}</span>}
                </li>
            ))}
        </ul>
    );
}

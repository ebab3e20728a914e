// Small shared React pieces. They hold no text of their own: each app passes its strings.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { ConnectionState } from './live';

export function ConnectionBanner(props: { state: ConnectionState; connecting: string; reconnecting: string }) {
    if (props.state === 'connecting') return <div className="banner" role="status">{props.connecting}</div>;
    if (props.state === 'reconnecting') return <div className="banner" role="status">{props.reconnecting}</div>;
    return null;
}

// Final, for every app: the event was ended by its producer. No way back in, so no button.
export function EventEndedCard(props: { title: string; body: string }) {
    return (
        <div className="card" role="alert">
            <p className="status">{props.title}</p>
            <p className="muted">{props.body}</p>
        </div>
    );
}

export interface ActionLine {
    at: number;
    ok: boolean;
    text: string;
}

// Runs commands and keeps a short log of their results (ack or the server's message).
export function useActionLog(okText: (label: string) => string, errText: (label: string, message: string) => string) {
    const [lines, setLines] = useState<ActionLine[]>([]);
    const run = useCallback(
        async (label: string, action: () => Promise<unknown>): Promise<boolean> => {
            try {
                await action();
                setLines((l) => [{ at: Date.now(), ok: true, text: okText(label) }, ...l].slice(0, 30));
                return true;
            } catch (err) {
                const message = err instanceof Error ? err.message : String(err);
                setLines((l) => [{ at: Date.now(), ok: false, text: errText(label, message) }, ...l].slice(0, 30));
                return false;
            }
        },
        [okText, errText],
    );
    return { lines, run };
}

// The newest line for a few seconds.
export function Toast(props: { line: ActionLine | undefined }) {
    const [visible, setVisible] = useState(false);
    const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
    useEffect(() => {
        if (!props.line) return undefined;
        setVisible(true);
        timer.current = setTimeout(() => setVisible(false), 4000);
        return () => {
            if (timer.current) clearTimeout(timer.current);
        };
    }, [props.line]);
    if (!visible || !props.line) return null;
    return (
        <div className={`toast ${props.line.ok ? '' : 'error'}`} role="status">
            {props.line.text}
        </div>
    );
}

export interface LoginFormStrings {
    title: string;
    keyLabel: string;
    submit: string;
    busy: string;
}

export function AccessKeyForm(props: {
    strings: LoginFormStrings;
    busy: boolean;
    error: string | null;
    onSubmit: (key: string) => void;
}) {
    const [key, setKey] = useState('');
    const submit = (e: FormEvent) => {
        e.preventDefault();
        if (key.trim() !== '') props.onSubmit(key.trim());
    };
    return (
        <form className="card" onSubmit={submit}>
            <h2>{props.strings.title}</h2>
            <label>
                {props.strings.keyLabel}
                <input type="password" autoComplete="current-password" value={key} onChange={(e) => setKey(e.target.value)} autoFocus />
            </label>
            {props.error && <p className="error" role="alert">{props.error}</p>}
            <p>
                <button type="submit" disabled={props.busy || key.trim() === ''}>
                    {props.busy ? props.strings.busy : props.strings.submit}
                </button>
            </p>
        </form>
    );
}

// Characters as the server counts them (Unicode code points, after trimming).
export function questionLength(text: string): number {
    return [...text.trim()].length;
}
export const MAX_QUESTION = 500;

export function QuestionEditor(props: {
    initial: string;
    label: string;
    submit: string;
    cancel?: string;
    counter: (n: number, max: number) => string;
    busy: boolean;
    onSubmit: (question: string) => void;
    onCancel?: () => void;
}) {
    const [text, setText] = useState(props.initial);
    const n = questionLength(text);
    const over = n > MAX_QUESTION;
    return (
        <form
            onSubmit={(e) => {
                e.preventDefault();
                if (n > 0 && !over) props.onSubmit(text.trim());
            }}
        >
            <label>
                {props.label}
                <textarea value={text} onChange={(e) => setText(e.target.value)} />
            </label>
            <div className={`counter ${over ? 'over' : ''}`}>{props.counter(n, MAX_QUESTION)}</div>
            <div className="row">
                <button type="submit" disabled={props.busy || n === 0 || over}>
                    {props.submit}
                </button>
                {props.cancel && props.onCancel && (
                    <button type="button" className="secondary" onClick={props.onCancel}>
                        {props.cancel}
                    </button>
                )}
            </div>
        </form>
    );
}

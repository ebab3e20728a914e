// The create-event form (three CSV pickers) and, once created, the links with the one-time keys.
import { useState, type FormEvent } from 'react';
import { AdminError, type AdminApi, type EventWithPeople } from './adminApi';
import { download, everyone, linksCsv, linksJson } from './links';
import { S } from './strings';

async function readFile(input: File | null): Promise<string | null> {
    return input ? input.text() : null;
}

export function CreateEvent(props: { api: AdminApi; onCreated: (result: EventWithPeople) => void }) {
    const [name, setName] = useState('');
    const [baseUrl, setBaseUrl] = useState(location.origin);
    const [isPublic, setPublic] = useState(false);
    const [files, setFiles] = useState<Record<string, File | null>>({ attendees: null, moderators: null, talent: null });
    const [busy, setBusy] = useState(false);
    const [error, setError] = useState<AdminError | string | null>(null);

    const submit = async (e: FormEvent) => {
        e.preventDefault();
        const [a, m, t] = await Promise.all([readFile(files['attendees'] ?? null), readFile(files['moderators'] ?? null), readFile(files['talent'] ?? null)]);
        if (a === null || m === null || t === null) {
            setError(S.pickAllFiles);
            return;
        }
        setBusy(true);
        setError(null);
        try {
            const result = await props.api.createEvent({ name, base_url: baseUrl, public: isPublic, attendees_csv: a, moderators_csv: m, talent_csv: t });
            props.onCreated(result);
        } catch (err) {
            setError(err instanceof AdminError ? err : String(err));
        } finally {
            setBusy(false);
        }
    };

    const picker = (key: string, label: string) => (
        <label>
            {label}
            <input type="file" accept=".csv,text/csv" onChange={(e) => setFiles((f) => ({ ...f, [key]: e.target.files?.[0] ?? null }))} />
        </label>
    );

    return (
        <form className="card" onSubmit={(e) => void submit(e)}>
            <h2>{S.newEvent}</h2>
            <label>
                {S.name}
                <input type="text" value={name} onChange={(e) => setName(e.target.value)} required />
            </label>
            <label>
                {S.baseUrl}
                <input type="text" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} required />
            </label>
            <label className="row">
                <input type="checkbox" checked={isPublic} onChange={(e) => setPublic(e.target.checked)} />
                {S.isPublic}
            </label>
            <div className="grid">
                {picker('attendees', S.attendeesCsv)}
                {picker('moderators', S.moderatorsCsv)}
                {picker('talent', S.talentCsv)}
            </div>
            <p className="muted">{S.csvHint}</p>
            {error && <ImportProblem error={error} />}
            <button type="submit" disabled={busy}>
                {busy ? S.creating : S.create}
            </button>
        </form>
    );
}

function ImportProblem(props: { error: AdminError | string }) {
    const e = props.error;
    if (typeof e === 'string') return <p className="error" role="alert">{e}</p>;
    return (
        <div className="error" role="alert">
            <p>
                <strong>{S.importFailed}</strong>
            </p>
            {e.where && <p>{S.at(e.where.file, e.where.line, e.where.column)}</p>}
            <p>
                {e.message} <span className="tag">{e.code}</span>
            </p>
        </div>
    );
}

// People with links (and keys, when just issued), with downloads named like the CLI's files.
export function PeopleWithLinks(props: { result: EventWithPeople; note: string }) {
    const { event, people } = props.result;
    const rows = everyone(people);
    return (
        <div className="card">
            <p className="banner">{props.note}</p>
            <div className="row">
                <button type="button" onClick={() => download(`${event.id}_links.csv`, linksCsv(people), 'text/csv')}>
                    {S.downloadCsv}
                </button>
                <button type="button" className="secondary" onClick={() => download(`${event.id}_links.json`, linksJson(people), 'application/json')}>
                    {S.downloadJson}
                </button>
            </div>
            <table className="table">
                <thead>
                    <tr>
                        <th>{S.columns.name}</th>
                        <th>{S.columns.role}</th>
                        <th>{S.columns.link}</th>
                        <th>{S.columns.key}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows.map((p) => (
                        <tr key={p.attendeeId}>
                            <td>{p.full_name}</td>
                            <td>{p.role}</td>
                            <td className="mono">{p.access_url}</td>
                            <td className="mono">{p['access_key'] ?? ''}</td>
                        </tr>
                    ))}
                </tbody>
            </table>
        </div>
    );
}

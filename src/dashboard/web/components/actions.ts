// The buttons that act on a container: each a POST (session.ts) that the server relays to the
// engine. The row updates from the event stream, not from the answer.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import type { ContainerAction, ContainerRow } from '../../protocol.js';
import { post } from '../session.js';

/** Which actions make sense in which state (Docker's container states). */
function enabled(action: ContainerAction, state: string): boolean {
  switch (action) {
    case 'start':
      return state === 'created' || state === 'exited' || state === 'dead';
    case 'stop':
    case 'restart':
    case 'kill':
      return state === 'running' || state === 'restarting';
    case 'pause':
      return state === 'running';
    case 'unpause':
      return state === 'paused';
    case 'remove':
      return true;
  }
}

const SHOWN: ContainerAction[] = ['start', 'stop', 'restart', 'kill', 'pause', 'unpause', 'remove'];

export function ContainerActions(props: { row: ContainerRow; onError?: (message: string) => void }) {
  const [busy, setBusy] = useState<ContainerAction | undefined>();
  const state = props.row.State ?? '';
  const act = async (action: ContainerAction) => {
    const name = props.row.Names?.[0]?.replace(/^\//, '') ?? props.row.Id.slice(0, 12);
    if (action === 'remove' && !confirm(`Remove ${name}${state === 'running' ? ' (running: it is killed first)' : ''}?`)) return;
    setBusy(action);
    try {
      const force = action === 'remove' && state !== 'exited' && state !== 'created' && state !== 'dead' ? '?force=1' : '';
      await post(`/api/hosts/${encodeURIComponent(props.row.host)}/containers/${encodeURIComponent(props.row.Id)}/${action}${force}`);
    } catch (e) {
      props.onError?.(`${action} ${name}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setBusy(undefined);
    }
  };
  return html`<span class="actions">${SHOWN.filter((a) => enabled(a, state)).map(
    (a) => html`<button data-action=${a} disabled=${busy !== undefined} onClick=${() => void act(a)}>${busy === a ? '…' : a}</button>`,
  )}</span>`;
}

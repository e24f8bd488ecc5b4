// One action at a time on a page section: which one runs (`busy`, to disable buttons and mark the
// one in flight), and its outcome as a message (what it returned, or its error, prefixed with what).
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';

export interface ActionMessage {
  text: string;
  error?: boolean;
}

export function useBusyAction() {
  const [busy, setBusy] = useState<string | undefined>();
  const [message, setMessage] = useState<ActionMessage | undefined>();
  const run = async (what: string, fn: () => Promise<string | undefined>): Promise<void> => {
    setBusy(what);
    setMessage(undefined);
    try {
      const text = await fn();
      if (text) setMessage({ text });
    } catch (e) {
      setMessage({ text: `${what}: ${e instanceof Error ? e.message : String(e)}`, error: true });
    } finally {
      setBusy(undefined);
    }
  };
  /** The message as the page shows it (a click dismisses it). */
  const shown = message ? html`<p class=${`message ${message.error ? 'error' : 'ok'}`} onClick=${() => setMessage(undefined)}>${message.text}</p>` : null;
  return { busy, message, setMessage, run, shown };
}

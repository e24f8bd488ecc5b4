// The dashboard page: signs in with the session cookie (or shows how to), opens the one
// WebSocket, keeps the container list, and renders the page the address names (pages/index.ts).
import { html } from 'htm/preact';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { PAGES } from './pages/index.js';
import { matchRoute, useHashPath } from './router.js';
import { session, signIn } from './session.js';
import { containers } from './stores/containers.js';

function ConnectionStatus() {
  const [up, setUp] = useState(session().conn.up);
  // The socket may have opened between the first render and this effect: read it again here.
  useEffect(() => {
    setUp(session().conn.up);
    return session().conn.onStatus(setUp);
  }, []);
  return html`<span class=${`conn ${up ? 'up' : 'down'}`}>${up ? 'live' : 'reconnecting…'}</span>`;
}

function App() {
  const path = useHashPath();
  let found: { page: (typeof PAGES)[number]; params: Record<string, string> } | undefined;
  for (const page of PAGES) {
    const params = matchRoute(page.path, path);
    if (params) {
      found = { page, params };
      break;
    }
  }
  found ??= { page: PAGES[0], params: {} };
  const Page = found.page.component;
  return html`<header class="top">
      <span class="brand">berth</span>
      <nav>${PAGES.filter((p) => p.nav).map((p) => html`<a href=${`#${p.path}`} class=${found.page === p || (!found.page.nav && found.page.path.startsWith(`${p.path}/`)) ? 'active' : ''}>${p.title}</a>`)}</nav>
      <${ConnectionStatus} />
    </header>
    <main><${Page} params=${found.params} /></main>`;
}

async function start(): Promise<void> {
  const root = document.getElementById('app')!;
  // render() adds to what is there: the "Loading…" of index.html goes first.
  root.replaceChildren();
  try {
    const s = await signIn();
    if (!s) {
      render(html`<p class="notice signed-out">Not signed in. Open the URL that <code>berth dashboard</code> printed (it carries the login token).</p>`, root);
      return;
    }
  } catch (e) {
    render(html`<p class="notice error">${e instanceof Error ? e.message : String(e)}</p>`, root);
    return;
  }
  containers.start();
  render(html`<${App} />`, root);
}

void start();

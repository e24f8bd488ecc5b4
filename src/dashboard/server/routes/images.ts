// The images pages' requests: one image's inspect and history, and the actions tag, remove, prune
// and pull. Each is a call of the typed client; references are read as the docker CLI reads them
// (cli/reference.ts), and a pull sends the user's registry credentials as `docker pull` does.
import type http from 'node:http';
import type { JsonMessage } from '../../../api-types/common.js';
import { encodeAuthHeader, lookupAuth, readConfig } from '../../../cli/auth.js';
import { fullName, parseImageRef, withDefaultTag, type ImageRef } from '../../../cli/reference.js';
import { pruneImages } from '../../../client/system-prune.js';
import type { ImageDetail } from '../../protocol.js';
import { answer, type ActionResult } from '../actions.js';
import type { EngineHost } from '../hosts.js';
import { startStream, type Route } from './route.js';

/** The reference in `?ref=`, or the 400 answer saying what is wrong with it. */
function readRef(query: URLSearchParams): ImageRef | ActionResult {
  const text = query.get('ref')?.trim();
  if (!text) return { status: 400, body: { message: 'an image reference is required' } };
  try {
    return parseImageRef(text);
  } catch (e) {
    return { status: 400, body: { message: `${text}: ${(e as Error).message}` } };
  }
}

const isAnswer = (r: ImageRef | ActionResult): r is ActionResult => 'status' in r;

function detail(host: EngineHost, id: string): Promise<ActionResult> {
  return answer(async (): Promise<ImageDetail> => {
    const [inspect, history] = await Promise.all([host.client.images.inspect(id), host.client.images.history(id)]);
    return { inspect, history };
  });
}

function tag(host: EngineHost, id: string, query: URLSearchParams): Promise<ActionResult> {
  const ref = readRef(query);
  if (isAnswer(ref)) return Promise.resolve(ref);
  if (ref.digest) return Promise.resolve({ status: 400, body: { message: 'refusing to create a tag with a digest reference' } });
  return answer(() => host.client.images.tag(id, { repo: fullName(ref), tag: ref.tag ?? 'latest' }));
}

/** `all`: every image no container uses (docker image prune -a), else only the dangling ones. */
function prune(host: EngineHost, query: URLSearchParams): Promise<ActionResult> {
  return answer(() => pruneImages(host.client, { all: query.get('all') === '1' }));
}

/**
 * Streams the engine's pull progress to the page as NDJSON, one JsonMessage a line; an error the
 * engine puts in the stream arrives as such a line. The pull stops if the page goes away, as
 * `docker pull` stops on Ctrl-C. An error before the first message is a plain JSON answer.
 */
async function pull(host: EngineHost, query: URLSearchParams, res: http.ServerResponse): Promise<ActionResult | undefined> {
  const ref = readRef(query);
  if (isAnswer(ref)) return ref;
  const tagged = withDefaultTag(ref);
  const stop = new AbortController();
  res.once('close', () => stop.abort());
  const stream = host.client.images.pull({
    fromImage: fullName(ref),
    tag: tagged.digest ?? tagged.tag,
    registryAuth: encodeAuthHeader(lookupAuth(readConfig(process.env.DOCKER_CONFIG), ref.domain)),
    signal: stop.signal,
  });
  let first: IteratorResult<JsonMessage>;
  try {
    first = await stream.next();
  } catch (e) {
    return answer(() => Promise.reject(e));
  }
  startStream(res);
  try {
    for (let r = first; !r.done; r = await stream.next()) res.write(`${JSON.stringify(r.value)}\n`);
  } catch (e) {
    if (!stop.signal.aborted) res.write(`${JSON.stringify({ error: (e as Error).message } satisfies JsonMessage)}\n`);
  }
  res.end();
  return undefined;
}

export const imageRoutes: Route[] = [
  { method: 'GET', path: /^images\/([^/]+)\/json$/, handle: ({ host, params }) => detail(host, params[0]) },
  { method: 'POST', path: /^images\/([^/]+)\/tag$/, handle: ({ host, params, query }) => tag(host, params[0], query) },
  { method: 'POST', path: /^images\/([^/]+)\/remove$/, handle: ({ host, params, query }) => answer(() => host.client.images.remove(params[0], { force: query.get('force') === '1' })) },
  { method: 'POST', path: /^images\/prune$/, handle: ({ host, query }) => prune(host, query) },
  { method: 'POST', path: /^images\/pull$/, handle: ({ host, query, res }) => pull(host, query, res) },
];
